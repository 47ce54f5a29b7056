// Slugs filled in as editors type spell German out (ä → ae, ü → ue, ß → ss), as the server's
// newsdesk.newsroom.slugs.slugify does for the importer; Django's URLify alone writes u and s.
'use strict';
{
    const urlify = window.URLify;
    const german = {'ä': 'ae', 'ö': 'oe', 'ü': 'ue', 'Ä': 'Ae', 'Ö': 'Oe', 'Ü': 'Ue', 'ß': 'ss', 'ẞ': 'SS'};
    if (typeof urlify === 'function') {
        window.URLify = function(s, numChars, allowUnicode) {
            return urlify(s.replace(/[äöüÄÖÜßẞ]/g, (c) => german[c]), numChars, allowUnicode);
        };
    }
}
