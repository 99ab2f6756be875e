/**
 * The first request of Today and of Waiting on you, shared by each page and its route, which
 * starts it while the page's code is still loading (as Contacts does with its first rows):
 * sign-in lands on Today with its plan already on the way.
 */
import { queryOptions } from '@tanstack/react-query';
import { api, hasSession } from './api';
import { queryClient } from './query-client';

/** Waits drawn from the first, small answer while the whole list loads. */
export const WAITING_HEAD = 100;

export const todayQuery = (all: boolean) => queryOptions({ queryKey: ['today', all ? 'all' : 'plan'], queryFn: () => api.today(all) });

export const waitingHeadQuery = () => queryOptions({ queryKey: ['waiting', 'head'], queryFn: () => api.waitingHead(WAITING_HEAD) });

/** Starts Today's plan, signed in only (a 401 would be logged). */
export function prefetchToday(): null {
  if (hasSession()) void queryClient.prefetchQuery(todayQuery(false));
  return null;
}

/** Starts the oldest waits, signed in only. */
export function prefetchWaiting(): null {
  if (hasSession()) void queryClient.prefetchQuery(waitingHeadQuery());
  return null;
}
