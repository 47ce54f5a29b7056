// Slugs filled in as editors type spell German out (ä → ae, ü → ue, ß → ss), as the server's
// newsdesk.newsroom.slugs.slugify does for the importer; Django's URLify alone writes u and s.
// Installed once the page is parsed: the admin may load this before its urlify.js.
'use strict';
{
    const german = {'ä': 'ae', 'ö': 'oe', 'ü': 'ue', 'Ä': 'Ae', 'Ö': 'Oe', 'Ü': 'Ue', 'ß': 'ss', 'ẞ': 'SS'};
    const install = function() {
        const urlify = window.URLify;
        if (typeof urlify !== 'function' || urlify.spellsGermanOut) {
            return;
        }
        const spelt = function(s, numChars, allowUnicode) {
            return urlify(s.replace(/[äöüÄÖÜßẞ]/g, (c) => german[c]), numChars, allowUnicode);
        };
        spelt.spellsGermanOut = true;
        window.URLify = spelt;
    };
    if (typeof document !== 'undefined' && document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', install);
    } else {
        install();
    }
}
