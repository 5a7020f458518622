/** Long loops on the extension host's thread, in slices, so that the window never waits for one. */

/** Lets the host's event loop run (messages, timers, VS Code's own work) before going on. */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
