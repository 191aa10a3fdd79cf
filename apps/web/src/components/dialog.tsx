import { useId, useLayoutEffect, useRef, type ReactNode } from "react";
import { CloseIcon } from "./icons";
import "./dialog.css";

type DialogProps = {
  title: string;
  /** A line under the title. */
  subtitle?: ReactNode;
  onClose: () => void;
  children: ReactNode;
};

/**
 * A modal dialog on the platform's <dialog>: it traps the focus, Escape closes it, and the
 * page behind it is inert. Open while mounted; `onClose` asks the owner to unmount it. The
 * element marked `data-autofocus` gets the focus when it opens.
 */
export function Dialog({ title, subtitle, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.open) return;
    dialog.showModal();
    dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onClose={onClose}
      // A click on the backdrop lands on the <dialog> itself; the content is in the inner frame.
      onClick={(event) => {
        if (event.target === event.currentTarget) event.currentTarget.close();
      }}
    >
      <div className="dialog-frame">
        <header className="dialog-header">
          <div className="dialog-titles">
            <h2 id={titleId}>{title}</h2>
            {subtitle ? <p className="dialog-subtitle">{subtitle}</p> : null}
          </div>
          <button type="button" className="icon-button" aria-label="Close" title="Close" onClick={() => ref.current?.close()}>
            <CloseIcon />
          </button>
        </header>
        <div className="dialog-body">{children}</div>
      </div>
    </dialog>
  );
}
