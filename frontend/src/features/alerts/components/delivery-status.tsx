import { Badge } from '@/components/ui/badge';

const tones: Record<string, 'good' | 'critical' | 'warning' | 'info' | 'neutral'> = {
  sent: 'good',
  failed: 'critical',
  pending: 'warning',
  sending: 'info',
};

export function deliveryLabel(status: string, attempts = 0) {
  if (status === 'pending') return attempts > 0 ? 'Retrying' : 'Pending';
  if (status === 'sending') return 'Sending';
  return status ? status[0]!.toUpperCase() + status.slice(1) : 'Unknown';
}

export function DeliveryStatus({ status, attempts }: { status: string; attempts?: number }) {
  return (
    <Badge tone={tones[status] ?? 'neutral'}>
      <span className="dot" aria-hidden="true" />
      {deliveryLabel(status, attempts)}
    </Badge>
  );
}
