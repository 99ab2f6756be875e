import { Link } from 'react-router';

export default function NotFound() {
  return (
    <div className="page narrow">
      <h1>Page not found</h1>
      <p>
        <Link to="/today">Go to Today</Link>
      </p>
    </div>
  );
}
