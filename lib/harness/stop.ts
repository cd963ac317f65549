import { BroadcastChannel } from 'node:worker_threads';

/**
 * Stopping a run: the runner (main thread) tells the test workers (threads of the same process) to drop every
 * request in flight and send no more, so that a run stopped by a signal ends within a bounded grace even against
 * a target that hangs, and no test writes after the restore. The stop is sticky: a worker that starts listening
 * after it was broadcast asks, and the runner answers it.
 */
const CHANNEL = 'metaconform-stop';
const STOP = 'stop';
const ASK = 'stopped?';

const stopped = new AbortController();
let listening: BroadcastChannel | undefined;

/** Aborted once the runner stops the run; the HTTP clients of the tests listen to it (tokens.ts). */
export function runStopSignal(): AbortSignal {
  if (!listening) {
    listening = new BroadcastChannel(CHANNEL);
    listening.onmessage = (event: unknown) => {
      if ((event as { data?: unknown }).data === STOP) stopped.abort('the run was stopped');
    };
    listening.unref();
    // a stop broadcast before this worker listened is answered again
    listening.postMessage(ASK);
  }
  return stopped.signal;
}

let answering: BroadcastChannel | undefined;

/** Tells every test worker to stop sending (the runner, on SIGINT/SIGTERM), now and whenever one asks later. */
export function stopWorkers(): void {
  if (answering) return;
  answering = new BroadcastChannel(CHANNEL);
  answering.onmessage = (event: unknown) => {
    if ((event as { data?: unknown }).data === ASK) answering!.postMessage(STOP);
  };
  answering.unref();
  answering.postMessage(STOP);
}
