// What the run created is undone at the end, on error and on Ctrl-C, last created first.

const cleanups = [];
let cleaning;
let interrupted = false;

/** Registers `fn` to run at cleanup. */
export const onCleanup = (fn) => cleanups.push(fn);

export function cleanup() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(`cleanup: ${err.message}`);
      }
    }
  })();
  return cleaning;
}

/** Whether a signal has started the cleanup (the signal handler then exits). */
export const wasInterrupted = () => interrupted;

/** On SIGINT or SIGTERM: clean up and exit 130; a second signal exits at once. */
export function trapSignals() {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      console.error(`\n${sig}: cleaning up (again to exit at once)`);
      void cleanup().finally(() => process.exit(130));
    });
  }
}
