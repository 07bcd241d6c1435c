/** The file a file item was read from, on its agent's host. */
export type FileItem = {
  host: string;
  /** The file's path, or the configured pattern that matched no file. */
  path: string;
  /** A keystore alias, or "#2" for the second chain of one file; empty for a file holding one chain. */
  entry: string;
  format: string;
};

/** "host:path (entry)", how people name a file item. */
export const fileLabel = (f: FileItem) => `${f.host}:${f.path}${f.entry ? ` (${f.entry})` : ''}`;
