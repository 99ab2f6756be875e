/** Under a paged table: how many rows of how many are shown, and a button for the next page. */
export function MoreRows({ shown, total, noun, hasMore, loading, onMore }: { shown: number; total: number; noun: string; hasMore: boolean; loading: boolean; onMore: () => void }) {
  if (total === 0) return null;
  return (
    <div style={{ display: 'flex', gap: '0.75rem', alignItems: 'center', flexWrap: 'wrap' }}>
      <span className="muted" role="status">{shown < total ? `Showing ${shown} of ${total} ${noun}` : `${total} ${noun}`}</span>
      {hasMore && (
        <button type="button" className="btn small" onClick={onMore} disabled={loading}>{loading ? 'Loading…' : 'Load more'}</button>
      )}
    </div>
  );
}
