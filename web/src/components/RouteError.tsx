import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : 'Unknown error';
  return (
    <main id="main" className="page narrow">
      <h1>Something went wrong</h1>
      <p role="alert">{message}</p>
      <Link to="/today">Back to Today</Link>
    </main>
  );
}
