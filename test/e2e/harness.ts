/**
 * Process and network helpers for the end-to-end tests. They are the machinery `npm run try` runs on (src/local),
 * re-exported here, so the tests and the command cannot drift apart: finding the Debian binaries (a missing one is
 * an error, never a skip), free 127.0.0.1 ports, processes in their own process group with their output in a log
 * file, bounded polling, JSON over HTTP and the webhook inbox that records Alertmanager notifications.
 */
import { startInbox } from '../../src/local/inbox';

export { freePort, requireBinary, requireFreePort, sleep, startProcess, stopProcess, tail, waitFor } from '../../src/local/processes';
export type { Proc } from '../../src/local/processes';
export { getJson, promQuery, request } from '../../src/local/http';
export type { HttpResult } from '../../src/local/http';
export type { Delivery } from '../../src/local/inbox';

/** An HTTP server on a free 127.0.0.1 port that records Alertmanager webhook notifications (the local inbox). */
export const startWebhookSink = () => startInbox();
