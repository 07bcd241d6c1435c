import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { isApiError } from '@/lib/api-client';

/** Puts each API field error next to its field; the rest goes to the form. */
export function applyServerErrors<T extends FieldValues>(e: unknown, fields: readonly Path<T>[], setError: UseFormSetError<T>) {
  let placed = false;
  if (isApiError(e)) {
    for (const fe of e.fieldErrors()) {
      const f = fields.find((x) => x === fe.field);
      if (f) {
        setError(f, { type: 'server', message: fe.message.charAt(0).toUpperCase() + fe.message.slice(1) });
        placed = true;
      }
    }
  }
  if (!placed) setError('root' as Path<T>, { type: 'server', message: e instanceof Error ? e.message : String(e) });
}
