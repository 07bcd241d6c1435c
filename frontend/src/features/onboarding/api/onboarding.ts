import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** Which first steps the organization has taken, read from its data. */
export type OnboardingState = { agent: boolean; domain: boolean; alerting: boolean; colleague: boolean };

export const useOnboarding = () =>
  useQuery({ queryKey: ['onboarding'], queryFn: ({ signal }) => api.get<OnboardingState>('/onboarding', undefined, signal), staleTime: 0 });
