/** Raised when a backup or restore cannot proceed; the message is one printable explanation. */
export class BackupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BackupError";
  }
}
