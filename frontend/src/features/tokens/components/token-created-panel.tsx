import { Button } from '@/components/ui/button';
import { OnceNotice, SecretValue } from '@/components/ui/secret';
import type { ApiToken } from '../types';

/** The new token's secret, shown this one time with a copy button. */
export function TokenCreatedPanel({ token, onDone }: { token: ApiToken & { token: string }; onDone: () => void }) {
  return (
    <section className="card setup-panel" aria-labelledby="tok-created-h" data-testid="token-created">
      <h2 id="tok-created-h" className="section-title">
        Token “{token.name}” created <span className="chip">{token.scope}</span>
      </h2>
      <OnceNotice>Copy it now and store it in your secret manager. Certinel cannot show it again.</OnceNotice>
      <SecretValue label="API token" value={token.token} copyLabel="Copy token" />
      <p className="muted small">
        Send it as <code>Authorization: Bearer &lt;token&gt;</code>.
      </p>
      <div className="form-actions">
        <Button onClick={onDone}>Done</Button>
      </div>
    </section>
  );
}
