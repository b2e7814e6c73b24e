/**
 * The local inbox: an HTTP server on 127.0.0.1 that receives Alertmanager webhook notifications (every receiver
 * of a loopback stack posts to /<receiver name>), records one delivery per alert, and hands each to a listener
 * as it arrives (`npm run try` prints them).
 */
import * as http from 'node:http';
import * as net from 'node:net';

/** One alert of one webhook notification, flattened. */
export interface Delivery {
  /** The receiver Alertmanager says it notified (payload `receiver`). */
  receiver: string;
  /** The inbox path the webhook posted to (a loopback stack uses /<receiver name>). */
  path: string;
  /** The alert's own status, "firing" or "resolved". */
  status: string;
  labels: Record<string, string>;
  /** The alert's `summary` annotation ('' without one). */
  summary: string;
  /** The alert's annotations as the receiver gets them (summary, description, …). */
  annotations: Record<string, string>;
  receivedAt: number;
}

export interface Inbox {
  port: number;
  deliveries: Delivery[];
  close: () => Promise<void>;
}

/** Starts the inbox on 127.0.0.1:`port` (0: a free port); `onDelivery` sees each alert as it arrives. */
export async function startInbox(opts: { port?: number; onDelivery?: (d: Delivery) => void } = {}): Promise<Inbox> {
  const deliveries: Delivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let payload: { receiver?: string; alerts?: Array<{ status?: string; labels?: Record<string, string>; annotations?: Record<string, string> }> };
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      for (const alert of payload.alerts ?? []) {
        const d: Delivery = {
          receiver: payload.receiver ?? '',
          path: (req.url ?? '/').replace(/^\//, ''),
          status: alert.status ?? '',
          labels: alert.labels ?? {},
          summary: alert.annotations?.summary ?? '',
          annotations: alert.annotations ?? {},
          receivedAt: Date.now(),
        };
        deliveries.push(d);
        opts.onDelivery?.(d);
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One line per delivery: time, receiver, status, alert name with its distinguishing labels, summary. */
export function formatDelivery(d: Delivery): string {
  const { alertname = '?', ...rest } = d.labels;
  const labels = ['severity', 'service', 'job'].filter((k) => rest[k]).map((k) => `${k}=${rest[k]}`).join(', ');
  const time = new Date(d.receivedAt).toTimeString().slice(0, 8);
  return `${time}  ${d.receiver}  ${d.status.toUpperCase()}  ${alertname}${labels ? ` {${labels}}` : ''}${d.summary ? `  ${d.summary}` : ''}`;
}
