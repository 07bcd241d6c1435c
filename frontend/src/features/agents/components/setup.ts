/** The env file an agent reads (see environment.example). */
export function environmentFile(serverUrl: string, agentToken: string, apiKey: string | null): string {
  return [
    '# Certinel agent configuration. Keep this file secret.',
    `CERTINEL_SERVER_URL=${serverUrl}`,
    `CERTINEL_AGENT_TOKEN=${agentToken}`,
    `CERTINEL_API_KEY=${apiKey ?? '<create an API token of scope agent and paste it here>'}`,
    '',
  ].join('\n');
}

export const DOCKER_LINE = 'docker run -d --restart unless-stopped --name certinel-agent --env-file environment.txt certinel/agent';
export const BINARY_LINE = './certinel-agent run --env-file environment.txt';
