import { BroadcastChannel } from 'node:worker_threads';

/**
 * Stopping a run: the runner (main thread) tells the test workers (threads of the same process) to drop every
 * request in flight and send no more, so that a run stopped by a signal ends within a bounded grace even against
 * a target that hangs, and no test writes after the restore.
 */
const CHANNEL = 'metaconform-stop';

const stopped = new AbortController();
let listening: BroadcastChannel | undefined;

/** Aborted once the runner stops the run; the HTTP clients of the tests listen to it (tokens.ts). */
export function runStopSignal(): AbortSignal {
  if (!listening) {
    listening = new BroadcastChannel(CHANNEL);
    listening.onmessage = () => stopped.abort('the run was stopped');
    listening.unref();
  }
  return stopped.signal;
}

/** Tells every test worker to stop sending (the runner, on SIGINT/SIGTERM). */
export function stopWorkers(): void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage('stop');
  channel.close();
}
