package password

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet"
)

func TestPolicy(t *testing.T) {
	p := DefaultPolicy()
	cases := []struct {
		name string
		pw   string
		want []string
	}{
		{"PWD-1 Guide example пАроль!23", "пАроль!23", nil},
		{"PWD-1 Guide example Луна2018!", "Луна2018!", nil},
		{"PWD-1 Guide example Луна2018*", "Луна2018*", nil},
		{"PWD-1 Guide example passWord!4", "passWord!4", nil},
		{"PWD-1 Kyrgyz letters count: Өмүр2024!", "Өмүр2024!", nil},
		{"PWD-1 Kyrgyz capital Ң as the upper-case letter", "ңөүҢ2024!", nil},
		{"PWD-1 Kyrgyz lower-case ң ө ү as the lower-case letters", "ҢӨҮңөү1!", nil},
		{"PWD-1 spaces and any printable character allowed", "Ала-Тоо 2024 #1", nil},
		{"PWD-1 emoji with a zero-width joiner allowed", "Луна2018!👩\u200d💻", nil},
		{"PWD-1 password fails upper, digit, special, common", "password", []string{RuleUpper, RuleDigit, RuleSpecial, RuleCommon}},
		{"PWD-1 ПАРОЛЬ!23 has no lower case", "ПАРОЛЬ!23", []string{RuleLower}},
		{"PWD-1 пароль!23 has no upper case", "пароль!23", []string{RuleUpper}},
		{"PWD-1 Пароль!! has no digit", "Пароль!!", []string{RuleDigit}},
		{"PWD-1 Пароль123 has no special", "Пароль1234", []string{RuleSpecial}},
		{"PWD-1 Пар!1 is only too short", "Пар!1", []string{RuleMinLength}},
		{"PWD-1 empty password fails every composition rule", "", []string{RuleMinLength, RuleUpper, RuleLower, RuleDigit, RuleSpecial}},
		{"PWD-1 a special outside the list does not count", "Луна2018?", []string{RuleSpecial}},
		{"PWD-1 every special of the Guide counts", "Луна2018^", nil},
		{"PWD-1 Arabic-Indic digits do not count", "Луна٢٠١٨!", []string{RuleDigit}},
		{"PWD-1 fullwidth digits do not count", "Луна２０１８!", []string{RuleDigit}},
		{"PWD-1 128 characters accepted", "Ab1!" + strings.Repeat("ы", 124), nil},
		{"PWD-1 129 characters refused, not truncated", "Ab1!" + strings.Repeat("ы", 125), []string{RuleMaxLength}},
		{"PWD-1 common password meeting the rules", "Password1!", []string{RuleCommon}},
		{"PWD-1 common password typed on a Russian keyboard", "Пароль123!", []string{RuleCommon}},
		{"PWD-1 common password, «пароль» typed in the Latin layout", "Gfhjkm123!", []string{RuleCommon}},
		{"PWD-1 йцукен is common", "йцукен", []string{RuleMinLength, RuleUpper, RuleDigit, RuleSpecial, RuleCommon}},
		{"PWD-1 SEC-3 NUL", "Луна2018!\x00", []string{RuleInvalidText}},
		{"PWD-1 SEC-3 other control characters", "Луна\t2018!", []string{RuleInvalidText}},
		{"PWD-1 SEC-3 zero-width space", "Луна\u200b2018!", []string{RuleInvisible}},
		{"PWD-1 SEC-3 byte order mark", "\ufeffЛуна2018!", []string{RuleInvisible}},
		{"PWD-1 SEC-3 right-to-left override", "Луна\u202e2018!", []string{RuleInvisible}},
		{"PWD-1 SEC-3 line separator", "Луна\u20282018!", []string{RuleInvalidText}},
		{"PWD-1 SEC-3 replacement character", "Луна2018!\ufffd", []string{RuleInvalidText}},
		{"PWD-1 SEC-3 invalid UTF-8 is only invalid_text", "Луна2018!\xff", []string{RuleInvalidText}},
		{"PWD-1 SEC-3 control character and short", "Ab1!\x00", []string{RuleInvalidText, RuleMinLength}},

		// Issue 12, point 19: length is what a person sees — grapheme clusters of
		// printable characters; invisible characters neither count nor pass.
		{"PWD-1 Aa1! and four zero-width joiners is four characters, the joiners invisible", "Aa1!" + strings.Repeat("\u200d", 4), []string{RuleInvisible, RuleMinLength}},
		{"PWD-1 Aa1! and four zero-width non-joiners likewise", "Aa1!" + strings.Repeat("\u200c", 4), []string{RuleInvisible, RuleMinLength}},
		{"PWD-1 a trailing joiner on a long enough password is invisible", "Луна2018!\u200d", []string{RuleInvisible}},
		{"PWD-1 a joiner between two digits joins nothing", "Луна20\u200d18!", []string{RuleInvisible}},
		{"PWD-1 a run of 20 combining marks is one character with no letter under it", strings.Repeat("\u0301", 20),
			[]string{RuleInvisible, RuleMinLength, RuleUpper, RuleLower, RuleDigit, RuleSpecial}},
		{"PWD-1 Aa1! with 20 accents stacked on the ! is four characters", "Aa1!" + strings.Repeat("\u0301", 20), []string{RuleMinLength}},
		{"PWD-1 a password that starts with a combining mark", "\u0301Луна2018!", []string{RuleInvisible}},
		{"PWD-1 four Hangul fillers do not make it long enough", "Aa1!" + strings.Repeat("\u3164", 4), []string{RuleInvisible}},
		{"PWD-1 soft hyphen", "Луна\u00ad2018!", []string{RuleInvisible}},
		{"PWD-1 combining grapheme joiner", "Луна\u034f2018!", []string{RuleInvisible}},
		{"PWD-1 left-to-right mark", "Луна2018!\u200e", []string{RuleInvisible}},
		{"PWD-1 a letter typed as base and accent counts once: Мой as М о и + breve", "Мои\u03062018!", nil},
		{"PWD-1 an emoji ZWJ sequence counts once", "Aa1!👩\u200d💻👩\u200d💻", []string{RuleMinLength}},
		{"PWD-1 a flag counts once", "Aa1!🇰🇬🇰🇬🇰🇬", []string{RuleMinLength}},
		{"PWD-1 an emoji with a variation selector and joiner allowed", "Луна2018!❤\ufe0f\u200d🔥", nil},
		{"PWD-1 a non-joiner inside a Persian word allowed", "Луна2018!می\u200cخواهم", nil},
		{"PWD-1 Kyrgyz Ң Ө Ү: Үңгүр Өзөн", "Үңгүр2024!", nil},
		{"PWD-1 Kyrgyz ӨҢҮ capitals, lower case", "өңүӨҢҮ7#", nil},
		{"PWD-1 Kyrgyz 7 letters are 7 characters", "Өңү1!үң", []string{RuleMinLength}},
		{"PWD-1 128 letters with accents accepted", "Ab1!" + strings.Repeat("e\u0301\u0302", 124), nil},
		{"PWD-1 129 letters with accents refused", "Ab1!" + strings.Repeat("e\u0301\u0302", 125), []string{RuleMaxLength}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := p.Check(c.pw, Context{}); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Check(%q) = %v, want %v", c.pw, got, c.want)
			}
		})
	}
	t.Run("PWD-1 length in characters, not bytes", func(t *testing.T) {
		// 7 characters, 13 bytes: too short whatever the bytes.
		if got := p.Check("Жж1!Жжж", Context{}); !reflect.DeepEqual(got, []string{RuleMinLength}) {
			t.Errorf("%v", got)
		}
		// 128 four-byte characters (512 bytes) are still 128 characters.
		if got := p.Check("Aa1!"+strings.Repeat("😀", 124), Context{}); got != nil {
			t.Errorf("%v", got)
		}
	})
	t.Run("PWD-1 length counted after NFC", func(t *testing.T) {
		// 8 code points as typed with и + U+0306, but 7 characters when composed.
		if got := p.Check("Мои\u0306123!", Context{}); !reflect.DeepEqual(got, []string{RuleMinLength}) {
			t.Errorf("%v", got)
		}
	})
	t.Run("PWD-1 equal to or containing the ИНН; equal to the login", func(t *testing.T) {
		if got := p.Check("Aa!11705198700772", Context{INN: "11705198700772"}); !reflect.DeepEqual(got, []string{RuleEqualsINN}) {
			t.Errorf("contains ИНН: %v", got)
		}
		if got := p.Check("11705198700772", Context{INN: "11705198700772"}); !reflect.DeepEqual(got, []string{RuleUpper, RuleLower, RuleSpecial, RuleEqualsINN}) {
			t.Errorf("equals ИНН: %v", got)
		}
		if got := p.Check("Np4k7m2x9q!", Context{Login: "np4k7m2x9q!"}); !reflect.DeepEqual(got, []string{RuleEqualsLogin}) {
			t.Errorf("equals login: %v", got)
		}
		if got := p.Check("Луна2018!", Context{INN: "11705198700772", Login: "np4k7m2x9q"}); got != nil {
			t.Errorf("unrelated: %v", got)
		}
		if got := p.Check("Np4k7m2x9q!1", Context{Login: "np4k7m2x9q!"}); got != nil {
			t.Errorf("containing the login is allowed: %v", got)
		}
	})
	t.Run("PWD-6 the policy's numbers apply", func(t *testing.T) {
		strict := Policy{MinLength: 12, MaxLength: MaxLength, Specials: "#"}
		if got := strict.Check("Луна2018!", Context{}); !reflect.DeepEqual(got, []string{RuleMinLength, RuleSpecial}) {
			t.Errorf("%v", got)
		}
		kp := kabinet.DefaultPolicy()
		kp.PasswordMinLength, kp.PasswordSpecials = 10, "?"
		if got := PolicyFrom(kp).Check("Луна2018?", Context{}); !reflect.DeepEqual(got, []string{RuleMinLength}) {
			t.Errorf("PolicyFrom: %v", got)
		}
		if d := DefaultPolicy(); d.MinLength != 8 || d.MaxLength != 128 || d.Specials != "!@#$%^&*" {
			t.Errorf("DefaultPolicy = %+v", d)
		}
	})
	t.Run("PWD-1 rules are reported in the order of Rules", func(t *testing.T) {
		all := Rules()
		if len(all) != 11 {
			t.Fatalf("Rules = %v", all)
		}
		got := p.Check("\x00", Context{})
		idx := -1
		for _, r := range got {
			i := slices.Index(all, r)
			if i <= idx {
				t.Fatalf("%v out of order", got)
			}
			idx = i
		}
	})
}

func TestCommon(t *testing.T) {
	t.Run("PWD-1 the list is loaded and case-insensitive", func(t *testing.T) {
		if n := len(commonSet()); n < 10000 || n > 100000 {
			t.Errorf("%d entries", n)
		}
		for _, pw := range []string{"password", "PASSWORD", "qwerty", "123456", "Йцукен", "ПАРОЛЬ123!"} {
			if !IsCommon(pw) {
				t.Errorf("%q is common", pw)
			}
		}
	})
	t.Run("PWD-1 the Guide's examples are not on the list", func(t *testing.T) {
		for _, pw := range []string{"пАроль!23", "Луна2018!", "Луна2018*", "passWord!4", "Өмүр2024!"} {
			if IsCommon(pw) {
				t.Errorf("%q is on the list", pw)
			}
		}
	})
	t.Run("PWD-1 every entry is lower case NFC and reachable", func(t *testing.T) {
		for l := range strings.SplitSeq(commonText, "\n") {
			if l != "" && (l != strings.ToLower(l) || l != Normalize(l)) {
				t.Errorf("entry %q is not lower-case NFC and can never match", l)
			}
		}
	})
}

func TestNormalize(t *testing.T) {
	decomposed := "Мои\u0306 2018!" // и + combining breve
	precomposed := "Мой 2018!"
	if Normalize(decomposed) != precomposed {
		t.Fatal("PWD-1 NFC")
	}
	if got, want := DefaultPolicy().Check("Мои\u03062018!", Context{}), DefaultPolicy().Check("Мой2018!", Context{}); !reflect.DeepEqual(got, want) {
		t.Errorf("PWD-1 decomposed %v, precomposed %v", got, want)
	}
	h := NewHasher(tiny, 2, time.Second)
	enc, err := h.Hash(context.Background(), decomposed)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := h.Verify(context.Background(), precomposed, enc); !ok {
		t.Error("PWD-1 the same password typed on two keyboards does not match")
	}
}

// tiny parameters keep the tests fast; the default ones are benchmarked.
var tiny = Params{Memory: 64, Time: 1, Threads: 1}

func TestHash(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(tiny, 2, time.Second)
	enc, err := h.Hash(ctx, "Луна2018!")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("PWD-2 PHC form", func(t *testing.T) {
		if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") || len(strings.Split(enc, "$")[4]) != 22 || len(strings.Split(enc, "$")[5]) != 43 {
			t.Errorf("%s", enc)
		}
		if p := DefaultParams(); p != (Params{Memory: 19456, Time: 2, Threads: 1}) || p.String() != "m=19456,t=2,p=1" {
			t.Errorf("DefaultParams = %v", p)
		}
		if h.Params() != tiny {
			t.Errorf("Params = %v", h.Params())
		}
	})
	t.Run("PWD-2 salted: two hashes of one password differ", func(t *testing.T) {
		enc2, _ := h.Hash(ctx, "Луна2018!")
		if enc == enc2 {
			t.Error("salt is not random")
		}
	})
	t.Run("PWD-2 round trip and wrong password", func(t *testing.T) {
		if ok, re, err := h.Verify(ctx, "Луна2018!", enc); !ok || re || err != nil {
			t.Errorf("verify: %v %v %v", ok, re, err)
		}
		for _, wrong := range []string{"Луна2018*", "луна2018!", "Луна2018! ", ""} {
			if ok, _, err := h.Verify(ctx, wrong, enc); ok || err != nil {
				t.Errorf("%q verified (err %v)", wrong, err)
			}
		}
	})
	t.Run("PWD-2 hashes of the reference implementation verify", func(t *testing.T) {
		// Made by libargon2 (the reference C implementation, Debian's libargon2-1)
		// with argon2id_hash_encoded, password "Луна2018!" in UTF-8, salt
		// "kabinet-salt-16b".
		for _, c := range []struct {
			enc    string
			rehash bool
		}{
			{"$argon2id$v=19$m=64,t=2,p=1$a2FiaW5ldC1zYWx0LTE2Yg$4Ap9lSuzXwmkirHzl+XvWFxkH/zrouF0azTDkj/I9X8", true},
			{"$argon2id$v=19$m=256,t=1,p=2$a2FiaW5ldC1zYWx0LTE2Yg$K0G8Em2DQSrRzPH5hqRYIg", true}, // 16-byte key
		} {
			ok, re, err := h.Verify(ctx, "Луна2018!", c.enc)
			if !ok || re != c.rehash || err != nil {
				t.Errorf("%s: ok=%v rehash=%v err=%v", c.enc, ok, re, err)
			}
			if ok, _, _ := h.Verify(ctx, "Луна2018*", c.enc); ok {
				t.Errorf("%s: wrong password verified", c.enc)
			}
		}
		same := NewHasher(Params{Memory: 64, Time: 2, Threads: 1}, 1, time.Second)
		if ok, re, _ := same.Verify(ctx, "Луна2018!", "$argon2id$v=19$m=64,t=2,p=1$a2FiaW5ldC1zYWx0LTE2Yg$4Ap9lSuzXwmkirHzl+XvWFxkH/zrouF0azTDkj/I9X8"); !ok || re {
			t.Errorf("same parameters: ok=%v rehash=%v", ok, re)
		}
	})
	t.Run("PWD-2 parameters recorded per hash; rehash when they change", func(t *testing.T) {
		stronger := NewHasher(Params{Memory: 128, Time: 2, Threads: 1}, 2, time.Second)
		ok, re, err := stronger.Verify(ctx, "Луна2018!", enc)
		if !ok || !re || err != nil {
			t.Errorf("old hash under new parameters: ok=%v rehash=%v err=%v", ok, re, err)
		}
		fresh, _ := stronger.Hash(ctx, "Луна2018!")
		if ok, re, _ := stronger.Verify(ctx, "Луна2018!", fresh); !ok || re {
			t.Errorf("rehashed: ok=%v rehash=%v", ok, re)
		}
	})
	t.Run("PWD-2 malformed hashes are errors, not panics", func(t *testing.T) {
		const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
		// The control: well formed, so each case below is malformed by its one defect.
		if ok, re, err := h.Verify(ctx, "x", "$argon2id$v=19$m=64,t=1,p=1$"+salt+"$"+key); ok || re || err != nil {
			t.Fatalf("control: %v %v %v", ok, re, err)
		}
		for _, bad := range []string{
			"", "plain", "$", "$$$$$", "\x00", "$argon2id$\xff",
			"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
			"$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + key,
			"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
			"$argon2id$m=64,t=1,p=1$" + salt + "$" + key,
			"$argon2id$v=19x$m=64,t=1,p=1$" + salt + "$" + key,
			"$argon2id$v=19$m=x$a$b",
			"$argon2id$v=19$m=64,t=1,p=1x$" + salt + "$" + key,
			"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
			"$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
			"$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key,
			"$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key,
			"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
			"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
			"$argon2id$v=19$m=64,t=1,p=256$" + salt + "$" + key,
			"$argon2id$v=19$m=4,t=1,p=1$" + salt + "$" + key,
			"$argon2id$v=19$m=999999999,t=1,p=1$" + salt + "$" + key,
			"$argon2id$v=19$m=99999999999999999999,t=1,p=1$" + salt + "$" + key,
			"$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
			"$argon2id$v=19$m=64,t=1,p=1$!!$!!",
			"$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key,
			"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key,     // 4-byte salt
			"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$a2V5", // 3-byte key
			"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
			"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + strings.Repeat("A", 1000),
		} {
			ok, re, err := h.Verify(ctx, "x", bad)
			if err == nil || ok || re || !errors.Is(err, ErrMalformed) {
				t.Errorf("Verify(%q) = %v %v %v", bad, ok, re, err)
			}
		}
	})
	t.Run("PWD-2 VerifyDummy costs a verify and admits nothing", func(t *testing.T) {
		if err := h.VerifyDummy(ctx, "anything"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.Verify(ctx, "x", h.dummy); err != nil {
			t.Errorf("dummy hash does not parse: %v", err)
		}
	})
	t.Run("PWD-2 parameters below argon2's minimum are raised", func(t *testing.T) {
		z := NewHasher(Params{}, 0, 0)
		if z.Params() != (Params{Memory: 8, Time: 1, Threads: 1}) {
			t.Errorf("%v", z.Params())
		}
		if _, err := z.Hash(ctx, "x"); err != nil {
			t.Error(err)
		}
	})
}

func TestBusy(t *testing.T) {
	ctx := context.Background()
	t.Run("PWD-2 bounded concurrency: ErrBusy after maxWait", func(t *testing.T) {
		one := NewHasher(tiny, 1, 20*time.Millisecond)
		one.slots <- struct{}{} // hold the only slot
		start := time.Now()
		if _, err := one.Hash(ctx, "x"); err != ErrBusy {
			t.Errorf("Hash: got %v, want ErrBusy", err)
		}
		if time.Since(start) < 20*time.Millisecond {
			t.Error("did not wait")
		}
		if _, _, err := one.Verify(ctx, "x", one.dummy); err != ErrBusy {
			t.Errorf("Verify: got %v, want ErrBusy", err)
		}
		// An unknown login's dummy check is refused the same way, not answered at once.
		if err := one.VerifyDummy(ctx, "x"); err != ErrBusy {
			t.Errorf("VerifyDummy: got %v, want ErrBusy", err)
		}
		if r, w := one.Stats(); r != 1 || w != 0 {
			t.Errorf("running = %d, waiting = %d", r, w)
		}
		<-one.slots
		if _, err := one.Hash(ctx, "x"); err != nil {
			t.Errorf("after release: %v", err)
		}
		if r, _ := one.Stats(); r != 0 {
			t.Errorf("slot not released: running = %d", r)
		}
	})
	t.Run("PWD-2 ErrBusy when the caller's context ends", func(t *testing.T) {
		one := NewHasher(tiny, 1, time.Hour)
		one.slots <- struct{}{}
		c, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
		defer cancel()
		_, err := one.Hash(c, "x")
		if !errors.Is(err, ErrBusy) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v", err)
		}
		<-one.slots
		done, cancel2 := context.WithCancel(ctx)
		cancel2()
		if _, err := one.Hash(done, "x"); !errors.Is(err, ErrBusy) {
			t.Errorf("a cancelled caller still hashed: %v", err)
		}
	})
	t.Run("PWD-2 a waiting caller gets the slot when it frees", func(t *testing.T) {
		two := NewHasher(tiny, 2, 10*time.Second)
		two.slots <- struct{}{}
		two.slots <- struct{}{}
		var wg sync.WaitGroup
		var err error
		wg.Go(func() { _, err = two.Hash(ctx, "x") })
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, w := two.Stats(); w == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the caller never waited")
			}
			time.Sleep(time.Millisecond)
		}
		<-two.slots
		wg.Wait()
		if err != nil {
			t.Error(err)
		}
		if r, w := two.Stats(); r != 1 || w != 0 {
			t.Errorf("running = %d, waiting = %d", r, w)
		}
	})
	t.Run("PWD-2 never more hashes at once than allowed", func(t *testing.T) {
		h := NewHasher(Params{Memory: 1024, Time: 1, Threads: 1}, 3, 10*time.Second)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		peak := 0
		var mu sync.Mutex
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, _ := h.Stats()
				mu.Lock()
				peak = max(peak, r)
				mu.Unlock()
			}
		}()
		for range 20 {
			wg.Go(func() {
				if _, err := h.Hash(ctx, "Луна2018!"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		close(stop)
		mu.Lock()
		defer mu.Unlock()
		if peak > 3 {
			t.Errorf("peak %d running", peak)
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	p := DefaultPolicy()
	for b.Loop() {
		p.Check("Луна2018!", Context{INN: "11705198700772", Login: "np4k7m2x9q"})
	}
}

func BenchmarkIsCommon(b *testing.B) {
	IsCommon("") // build the set outside the timing
	for b.Loop() {
		IsCommon("Password1!")
	}
}

// BenchmarkHashDefault is the cost of one hash with the default parameters
// (m=19 MiB, t=2, p=1): what a sign-in spends, and what sizes the semaphore.
func BenchmarkHashDefault(b *testing.B) {
	h := NewHasher(DefaultParams(), 1, 0)
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Hash(ctx, "Луна2018!"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyDefault(b *testing.B) {
	h := NewHasher(DefaultParams(), 1, 0)
	ctx := context.Background()
	enc, _ := h.Hash(ctx, "Луна2018!")
	for b.Loop() {
		h.Verify(ctx, "Луна2018!", enc)
	}
}
