/**
 * The contact list's pages in one server order, shared by the Contacts page and its route,
 * which asks for the first page while the page's code is still loading (no waterfall of
 * script, then session, then rows). Kept free of the schema files so the first bundle stays small.
 */
import { infiniteQueryOptions } from '@tanstack/react-query';
import { api, hasSession } from './api';
import { queryClient } from './query-client';

/** A first page small enough to draw at once; the rest follows in the largest pages allowed. */
export const FIRST_PAGE = 200;

export function contactPages(sort: string, pageMax: number) {
  return infiniteQueryOptions({
    queryKey: ['contacts', sort],
    queryFn: ({ pageParam }) => api.contactsPage({ sort }, pageParam ? pageMax : FIRST_PAGE, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
}

/** Starts the first page of the default order, signed in only (a 401 would be logged). */
export function prefetchContacts(): null {
  if (hasSession()) void queryClient.prefetchInfiniteQuery(contactPages('health', FIRST_PAGE));
  return null;
}
