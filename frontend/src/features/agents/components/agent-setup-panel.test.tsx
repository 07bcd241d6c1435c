import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '@/testing/render';
import { AgentSetupPanel } from './agent-setup-panel';

describe('AgentSetupPanel', () => {
  it('shows the agent token, makes an agent API token on request and fills environment.txt', async () => {
    const user = userEvent.setup();
    const createApiKey = vi.fn(async () => 'cnl_api_KEY');
    renderWithProviders(
      <AgentSetupPanel agentName="office" agentToken="cnl_agt_TOKEN" serverUrl="https://certinel.example" createApiKey={createApiKey} onDone={vi.fn()} />,
    );
    expect(screen.getByLabelText('Agent token')).toHaveTextContent('cnl_agt_TOKEN');
    const env = screen.getByTestId('env-file');
    expect(env).toHaveTextContent('CERTINEL_SERVER_URL=https://certinel.example');
    expect(env).toHaveTextContent('CERTINEL_AGENT_TOKEN=cnl_agt_TOKEN');
    expect(env).toHaveTextContent('CERTINEL_API_KEY=<create an API token');
    expect(screen.getByText('docker run -d --restart unless-stopped --name certinel-agent --env-file environment.txt certinel/agent')).toBeInTheDocument();
    expect(screen.getByText('./certinel-agent run --env-file environment.txt')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Create an API token for this agent' }));
    expect(createApiKey).toHaveBeenCalledOnce();
    expect(await screen.findByLabelText('API token')).toHaveTextContent('cnl_api_KEY');
    expect(screen.getByTestId('env-file')).toHaveTextContent('CERTINEL_API_KEY=cnl_api_KEY');
    expect(screen.queryByRole('button', { name: 'Create an API token for this agent' })).not.toBeInTheDocument();
  });

  it('says why the API token could not be made', async () => {
    const user = userEvent.setup();
    renderWithProviders(
      <AgentSetupPanel agentName="a" agentToken="t" serverUrl="http://x" createApiKey={async () => { throw new Error('these credentials may not do this'); }} onDone={vi.fn()} />,
    );
    await user.click(screen.getByRole('button', { name: 'Create an API token for this agent' }));
    expect(await screen.findByText('these credentials may not do this')).toBeInTheDocument();
  });
});
