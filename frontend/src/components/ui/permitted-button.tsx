import type { ComponentProps } from 'react';
import { usePermissions, whoMay, type Permission } from '@/lib/auth';
import { Button } from './button';

type Props = ComponentProps<typeof Button> & {
  need: Permission;
  /** What the button does, completing "Only admins and owners can …". */
  doing: string;
};

/**
 * A button the signed-in role may not use is shown disabled, and says who
 * may (as its tooltip and accessible description), rather than failing
 * with "these credentials may not do this" after a click.
 */
export function PermittedButton({ need, doing, ...props }: Props) {
  const { can } = usePermissions();
  if (can(need)) return <Button {...props} />;
  const why = whoMay(need, doing);
  // A disabled button gets no pointer events in some browsers: the wrapper
  // carries the tooltip.
  return (
    <span className="permission-denied" title={why}>
      <Button {...props} onClick={undefined} disabled title={why} aria-description={why} />
    </span>
  );
}
