package password

import (
	_ "embed"
	"strings"
	"sync"
)

// commonText is the list of common passwords refused at every password choice
// (PWD-1; NIST SP 800-63B §3.1.1.2, OWASP ASVS 6.2.4), one a line, lower case, NFC.
//
// Source: the password list of zxcvbn (Dan Wheeler and Dropbox, 2012–2016: frequent
// passwords from leaked sets) as published in the npm package
// @zxcvbn-ts/language-common 4.1.3, file src/passwords.json, MIT licence — the
// licence is common.LICENSE.txt beside this file. 49,233 entries, taken as they are.
// Then 54 of our own, at the end of the file: common passwords that meet the
// composition rules (only those can ever reach this check alone: "password1!",
// "p@ssw0rd!", "qwerty2024!"), and ones typed on Russian and Kyrgyz keyboards
// ("йцукен", "пароль123!", "gfhjkm123!" — «пароль» typed in the Latin layout,
// "бишкек2024!"). 49,287 entries in all.
//
// The Guide's own examples («пАроль!23», «Луна2018!», «Луна2018*», «passWord!4»)
// are deliberately not on the list: the regulation's users are told to copy their
// form, and the tests require them to pass.
//
//go:embed common.txt
var commonText string

// commonSet is built from commonText once, on first use, and only read after that.
var commonSet = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, strings.Count(commonText, "\n")+1)
	for l := range strings.SplitSeq(commonText, "\n") {
		if l = strings.TrimSuffix(l, "\r"); l != "" {
			set[l] = struct{}{}
		}
	}
	return set
})

// IsCommon reports whether pw, compared case-insensitively after NFC, is on the list
// of common passwords.
func IsCommon(pw string) bool {
	_, ok := commonSet()[strings.ToLower(Normalize(pw))]
	return ok
}
