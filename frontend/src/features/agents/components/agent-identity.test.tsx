import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { testAgent } from '../testing';
import { AuthenticationBadge, CurrentCertificate } from './agent-identity';

const DAY = 86_400_000;
const inDays = (d: number) => new Date(Date.now() + d * DAY + 3_600_000).toISOString();

describe('agent identity', () => {
  it('says how the agent authenticates', () => {
    const { rerender } = render(<AuthenticationBadge agent={testAgent({ certificate_serial: 'ab12', certificate_not_after: inDays(5) })} />);
    expect(screen.getByText('Client certificate')).toBeInTheDocument();
    rerender(<AuthenticationBadge agent={testAgent()} />);
    expect(screen.getByText('Token')).toBeInTheDocument();
    rerender(<AuthenticationBadge agent={testAgent()} requireMTLS />);
    expect(screen.getByText('Token (refused)')).toHaveAttribute('title', expect.stringMatching(/requires client certificates/));
  });

  it('shows the current certificate: serial, expiry with days left, last rotation', () => {
    render(
      <CurrentCertificate
        agent={testAgent({ certificate_serial: 'ab12cd', certificate_not_after: inDays(5), certificate_rotated_at: new Date(Date.now() - 2 * DAY).toISOString() })}
      />,
    );
    expect(screen.getByText('ab12cd')).toBeInTheDocument();
    expect(screen.getByText('5 days left')).toBeInTheDocument();
    expect(screen.getByText('2 days ago')).toBeInTheDocument();
  });

  it('tells how to get a certificate when the agent has none', () => {
    render(<CurrentCertificate agent={testAgent()} />);
    expect(screen.getByText(/create a join token below/)).toBeInTheDocument();
  });
});
