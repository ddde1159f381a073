import { useEffect, useState, type FormEvent } from 'react';
import type { Webhook } from '../../../../src-main/contract/webhook-api';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/endpoints';
import { formatTimestamp } from '../../lib/format';

/** How often the deliveries are looked at again while the panel is open. */
const refreshMs = 2000;

/**
 * Webhooks: where the studio POSTs its events (signed with a secret the receiver knows),
 * each hook's recent deliveries with their state, and a test event on demand.
 */
export function WebhooksPanel() {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    const poll = () =>
      api.webhooks(abort.signal).then(
        (list) => setHooks(list),
        (err: unknown) => !abort.signal.aborted && setError(errorMessage(err)),
      );
    void poll();
    const timer = setInterval(() => void poll(), refreshMs);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, []);

  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
      setError(null);
      setHooks(await api.webhooks());
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      await api.createWebhook({ url: url.trim(), secret });
      setUrl('');
      setSecret('');
    });
  };

  return (
    <section className="panel" aria-labelledby="webhooks-title" data-testid="webhooks">
      <div className="panel-head">
        <h2 className="panel-title" id="webhooks-title">
          Webhooks
        </h2>
      </div>
      <div className="panel-body">
        <p className="help">
          Events (a stream published or unpublished, a source lost, a recording or export done, a restream target up or down, the disk low, a gap in the archive, a mix started or stopped, viewers past a threshold) are POSTed as JSON to each URL, signed in
          <code> X-Framehouse-Signature: t=…,v1=…</code> (HMAC-SHA256 of <code>t.body</code> with the secret), and retried after 1, 5 and 25 s.
        </p>
        {hooks?.map((hook) => (
          <div key={hook.id} className="webhook" data-testid="webhook">
            <div className="webhook-head">
              <span className="mono webhook-url">{hook.url}</span>
              <button type="button" className="button button-small" disabled={busy} onClick={() => void act(() => api.testWebhook(hook.id))} data-testid="webhook-test">
                Send test event
              </button>
              <button type="button" className="button button-small button-danger" disabled={busy} onClick={() => void act(() => api.deleteWebhook(hook.id))}>
                Delete
              </button>
            </div>
            {hook.deliveries.length === 0 ? (
              <p className="muted">No deliveries yet.</p>
            ) : (
              <table className="table table-dense webhook-log">
                <tbody>
                  {hook.deliveries.slice(0, 8).map((d) => (
                    <tr key={d.id} data-testid="webhook-delivery" data-state={d.state}>
                      <td className="mono">{formatTimestamp(d.at)}</td>
                      <td className="mono">{d.type}</td>
                      <td>
                        <span className={`badge${d.state === 'delivered' ? ' badge-accent' : d.state === 'failed' ? ' badge-warning' : ' badge-quiet'}`}>{d.state}</span>
                      </td>
                      <td className="muted">
                        {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}
                        {d.status !== null ? ` · HTTP ${d.status}` : ''}
                        {d.error && d.state !== 'delivered' ? ` · ${d.error}` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        ))}
        <form className="webhook-new" onSubmit={add}>
          <input className="input mono" type="url" placeholder="https://example.lan/hooks/framehouse" value={url} onChange={(e) => setUrl(e.target.value)} aria-label="Webhook URL" data-testid="webhook-url" required />
          <input className="input mono" type="password" placeholder="Secret (16 characters or more)" value={secret} minLength={16} onChange={(e) => setSecret(e.target.value)} aria-label="Webhook secret" data-testid="webhook-secret" required />
          <button type="submit" className="button button-primary" disabled={busy} data-testid="webhook-add">
            Add webhook
          </button>
        </form>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
