import { useNotice } from "../hooks/use-notice";

/** The current notice, at the top of the screen (an alert: screen readers read it at once). */
export function NoticeToast() {
  const { notice, dismiss } = useNotice();
  if (!notice) return null;
  return (
    <div className="notice-region">
      <div className="notice" role="alert">
        <span>{notice}</span>
        <button type="button" className="button button-ghost button-sm" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
