import Picker from "emoji-picker-element/picker";
import { useEffect, useRef } from "react";
import { dataSource } from "../lib/emoji";
import "./emoji-picker.css";

/**
 * The page's Content-Security-Policy (style-src 'self') blocks what the library writes as inline
 * CSS: the <style> element of its shadow root and the style attributes of its templates. The
 * policy allows the same CSS set from script (a constructed style sheet, `element.style`), so
 * the <style> element becomes a constructed sheet before the picker enters the document, and
 * every style attribute it writes is copied into `element.style` as it appears.
 */
function obeyStylePolicy(picker: Picker): () => void {
  const root = picker.shadowRoot;
  if (!root) return () => {};
  const style = root.querySelector("style");
  if (style) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(style.textContent);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    style.remove();
  }
  const applied = new WeakMap<Element, string>();
  const apply = (element: Element) => {
    const css = element.getAttribute("style");
    if (css === null || applied.get(element) === css || !(element instanceof HTMLElement)) return;
    element.style.cssText = css;
    // What the CSSOM wrote back into the attribute: the next mutation with it is ours.
    applied.set(element, element.getAttribute("style") ?? css);
  };
  const walk = (node: Node) => {
    if (!(node instanceof Element)) return;
    apply(node);
    for (const element of node.querySelectorAll("[style]")) apply(element);
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") apply(record.target as Element);
      else for (const node of record.addedNodes) walk(node);
    }
  });
  observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ["style"] });
  return () => observer.disconnect();
}

type Props = {
  /** An emoji was chosen, in the skin tone the reader picked. */
  onPick: (emoji: string) => void;
  /** Its search field takes the focus when it opens. */
  autoFocus?: boolean;
};

/**
 * The full emoji picker (emoji-picker-element): search, categories, skin tones and the reader's
 * frequently used emoji. A lazily loaded module: import it with React.lazy.
 */
export function EmojiPicker({ onPick, autoFocus = false }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    const picker = new Picker({ dataSource });
    const stopObserving = obeyStylePolicy(picker);
    picker.classList.add("emoji-picker");
    picker.addEventListener("emoji-click", (event) => {
      const unicode = event.detail.unicode;
      if (!unicode) return;
      pick.current(unicode);
    });
    host.current?.append(picker);
    if (autoFocus) {
      // The search field exists once the picker has rendered its shadow tree.
      requestAnimationFrame(() => picker.shadowRoot?.querySelector<HTMLInputElement>("input[type=search]")?.focus());
    }
    return () => {
      stopObserving();
      picker.remove();
    };
  }, [autoFocus]);

  return <div ref={host} className="emoji-picker-host" />;
}
