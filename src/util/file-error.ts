/**
 * Why a file the user named could not be read, in words: Node's own messages ("EISDIR:
 * illegal operation on a directory, read") name the system call, not the mistake.
 */
export function unreadableReason(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
      return "permission denied";
    case "EISDIR":
      return "it is a directory, not a file";
    default:
      return (error as Error).message;
  }
}
