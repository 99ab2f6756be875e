import { Link } from 'react-router';
import { usePageTitle } from '../components/ui';

export default function NotFound() {
  usePageTitle('Page not found');
  return (
    <div className="page narrow">
      <h1>Page not found</h1>
      <p>
        <Link to="/today">Go to Today</Link>
      </p>
    </div>
  );
}
