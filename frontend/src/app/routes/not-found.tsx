import { Link } from 'react-router';
import { EmptyState } from '@/components/ui/empty-state';

export default function NotFoundRoute() {
  return (
    <EmptyState title="Page not found" level={1} action={<Link to="/" className="btn btn-secondary btn-md">Go to overview</Link>}>
      There is no page at this address.
    </EmptyState>
  );
}
