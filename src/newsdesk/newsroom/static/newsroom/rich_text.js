/* The back office's rich-text editor (django-prose-editor) for paragraph and fact-box blocks:
   bold, italic, links and line breaks, nothing else (the server still sanitises). Subheadings
   and quotes stay plain text: switching a block's kind turns the editor on or off.
   Imported by path, and without the editor's injected <style>: the back office's CSP allows
   no inline scripts (an import map) or styles; rich_text.css has the editing area's rules. */
import {
  Bold, Document, Editor, HardBreak, History, Italic, Link, Menu, Paragraph, Text,
} from "../django_prose_editor/editor.js";

const RICH_KINDS = new Set(["paragraph", "factbox"]);
const editors = new WeakMap();

function kindSelect(textarea) {
  const block = textarea.closest(".inline-related");
  return block ? block.querySelector("select[name$='-kind']") : null;
}

function extensions() {
  return [
    Document, Paragraph, Text, HardBreak, History, Menu, Bold, Italic,
    Link.configure({ enableTarget: false, openOnClick: false, autolink: false,
      protocols: ["http", "https", "mailto"] }),
  ];
}

// As django-prose-editor's createTextareaEditor, but without injected CSS: the textarea goes
// into the editor's frame, gets every change, and comes back when the editor goes.
function createEditor(textarea) {
  const frame = document.createElement("div");
  frame.className = "prose-editor";
  textarea.before(frame);
  frame.append(textarea);
  return new Editor({
    element: frame,
    extensions: extensions(),
    content: textarea.value,
    injectCSS: false,
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() { frame.before(textarea); frame.remove(); },
  });
}

function sync(textarea) {
  const select = kindSelect(textarea);
  const wanted = !select || RICH_KINDS.has(select.value);
  const editor = editors.get(textarea);
  if (wanted && !editor) {
    editors.set(textarea, createEditor(textarea));
  } else if (!wanted && editor) {
    editor.destroy();
    editors.delete(textarea);
  }
}

function setUp(root) {
  root.querySelectorAll("textarea[data-newsdesk-rich-text]").forEach((textarea) => {
    if (textarea.id.includes("__prefix__") || textarea.dataset.newsdeskRichTextReady) { return; }
    textarea.dataset.newsdeskRichTextReady = "1";
    sync(textarea);
    const select = kindSelect(textarea);
    if (select) { select.addEventListener("change", () => sync(textarea)); }
  });
}

setUp(document);
document.addEventListener("formset:added", (event) => setUp(event.target));
if (window.django && window.django.jQuery) {
  window.django.jQuery(document).on("formset:added", (event) => setUp(event.target));
}
