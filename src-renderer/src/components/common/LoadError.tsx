/** What a section shows when its data could not be fetched, with a way to try again. */
export function LoadError({ what, message, retry }: { what: string; message: string; retry: () => void }) {
  return (
    <div className="callout callout-danger">
      <div>
        <strong>{what} could not be loaded</strong>
        <p>{message}</p>
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      </div>
    </div>
  );
}
