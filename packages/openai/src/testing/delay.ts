/** Real-time delay with an unref'd timer, so a forgotten emulator never holds the process open. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
