import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : String(error);
  const chunk = /dynamically imported module|Importing a module script failed/i.test(message);
  return (
    <div className="auth-page">
      <main className="auth-card" id="main">
        <h1 className="auth-title">Something went wrong</h1>
        <p className="auth-subtitle">
          {chunk ? 'A new version of Certinel was deployed. Reload the page to get it.' : message}
        </p>
        <div className="button-row">
          <button type="button" className="btn btn-primary btn-md" onClick={() => window.location.reload()}>Reload</button>
          <Link to="/" className="btn btn-secondary btn-md">Go to overview</Link>
        </div>
      </main>
    </div>
  );
}
