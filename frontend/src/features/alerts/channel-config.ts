import type { Channel, ChannelTypeDescription, ChannelTypeField } from './types';

/** The form's text for each config field of one type, by field name. */
export type ConfigValues = Record<string, string>;

/** Email and webhook lead the type list; the rest follow by label. */
export function sortChannelTypes(types: ChannelTypeDescription[]): ChannelTypeDescription[] {
  const rank = (t: string) => (t === 'email' ? 0 : t === 'webhook' ? 1 : 2);
  return [...types].sort((a, b) => rank(a.type) - rank(b.type) || a.label.localeCompare(b.label));
}

export const splitList = (s: string) =>
  s
    .split(/[\n,;]+/)
    .map((r) => r.trim())
    .filter(Boolean);

/**
 * The form's starting text for a type: the stored config when editing a channel of
 * that type (secrets are never sent back, so they start empty), else each default.
 */
export function initialConfig(desc: ChannelTypeDescription, channel?: Channel): ConfigValues {
  const stored = channel?.type === desc.type ? channel.config : undefined;
  const out: ConfigValues = {};
  for (const f of desc.fields) {
    const v = stored?.[f.name];
    if (f.kind === 'secret') out[f.name] = '';
    else if (Array.isArray(v)) out[f.name] = v.join('\n');
    else if (v !== undefined && v !== null) out[f.name] = String(v);
    else out[f.name] = f.default ?? (f.kind === 'select' ? (f.options?.[0] ?? '') : '');
  }
  return out;
}

/**
 * The config to send. Empty fields are left out: the server applies its defaults,
 * and on an edit a secret left out keeps the stored one.
 */
export function toConfig(fields: ChannelTypeField[], values: ConfigValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = (values[f.name] ?? '').trim();
    if (f.kind === 'list') {
      const list = splitList(v);
      if (list.length > 0) out[f.name] = list;
    } else if (v === '') continue;
    else if (f.kind === 'number') out[f.name] = Number(v);
    else out[f.name] = f.kind === 'textarea' || f.kind === 'secret' ? values[f.name] : v;
  }
  return out;
}

/**
 * The server names config problems as field "config" with a message led by the
 * config's own field ("url: is required", "recipients[1]: …"); this finds which of
 * the type's fields it belongs to. Other fields (name, type, digest) are the form's own.
 */
export function channelErrorField(field: string, message: string, configFields: string[]): { field: string | null; message: string } {
  if (field === 'name' || field === 'type' || field === 'digest') return { field, message };
  if (field === 'config') {
    const m = /^([a-z_]+)(\[\d+\])?: (.*)$/s.exec(message);
    if (m && configFields.includes(m[1]!)) return { field: `config.${m[1]}`, message: m[2] ? `${m[1]}${m[2]}: ${m[3]}` : m[3]! };
  }
  return { field: null, message };
}
