package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters, recorded in every hash (PWD-2) so they can be
// raised later and old hashes upgraded at the next sign-in.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultParams are OWASP's recommendation for argon2id (Password Storage Cheat
// Sheet): m=19 MiB (19456 KiB), t=2, p=1.
func DefaultParams() Params { return Params{Memory: 19 * 1024, Time: 2, Threads: 1} }

func (p Params) String() string { return fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads) }

const (
	saltLen = 16 // bytes, from crypto/rand
	keyLen  = 32 // bytes

	// Bounds on what a stored hash may ask for: a corrupt row must not make a sign-in
	// allocate gigabytes or spin for minutes.
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 64
	minSalt    = 8
	maxSalt    = 64
	minKey     = 16
	maxKey     = 64
	maxEncoded = 512
)

// ErrBusy: no hashing slot became free in time, or the caller's context ended while
// waiting for one. The web layer answers 503 with Retry-After; the request did
// nothing. Test with errors.Is: a context's end is wrapped in it.
var ErrBusy = errors.New("password: hashing capacity exhausted")

// ErrMalformed: a stored hash is not an argon2id PHC string this package can verify.
var ErrMalformed = errors.New("password: malformed hash")

// Hasher hashes and verifies passwords and code words with argon2id (PWD-2). Each hash
// holds Params.Memory KiB while it runs, so a semaphore bounds how many run at once: a
// flood of sign-ins queues (for at most maxWait) instead of exhausting memory. A Hasher
// is safe for concurrent use. Hashes run at the lowest priority beside one spare Go
// processor where the system allows it (thread.go).
type Hasher struct {
	params  Params
	slots   chan struct{} // one token per running hash
	maxWait time.Duration
	waiting atomic.Int64
	dummy   string
}

// NewHasher returns a hasher whose new hashes use p, running at most maxConcurrent
// hashes at once (at least 1); a caller waits at most maxWait for a slot (0: as long as
// its context allows). Parameters below argon2's minimum are raised to it (t ≥ 1,
// p ≥ 1, m ≥ 8·p KiB).
func NewHasher(p Params, maxConcurrent int, maxWait time.Duration) *Hasher {
	if maxConcurrent < 1 {
		maxConcurrent = 1
	}
	if p.Threads < 1 {
		p.Threads = 1
	}
	if p.Time < 1 {
		p.Time = 1
	}
	if p.Memory < 8*uint32(p.Threads) {
		p.Memory = 8 * uint32(p.Threads)
	}
	spareProcessor(maxConcurrent) // thread.go
	return &Hasher{
		params:  p,
		slots:   make(chan struct{}, maxConcurrent),
		maxWait: maxWait,
		// VerifyDummy's target: the hasher's own parameters and lengths, so it costs
		// what verifying a current hash costs. Its key is all zeros, which no password
		// derives in practice, and the result is thrown away anyway.
		dummy: encode(p, make([]byte, saltLen), make([]byte, keyLen)),
	}
}

// Params returns the parameters new hashes get.
func (h *Hasher) Params() Params { return h.params }

// Stats reports how many hashes are running and how many callers wait for a slot, for
// the metrics.
func (h *Hasher) Stats() (running, waiting int) { return len(h.slots), int(h.waiting.Load()) }

func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrBusy, err)
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	h.waiting.Add(1)
	defer h.waiting.Add(-1)
	var timeout <-chan time.Time
	if h.maxWait > 0 {
		t := time.NewTimer(h.maxWait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-timeout:
		return ErrBusy
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC string of pw after NFC (PWD-1), with a fresh 16-byte salt from
// crypto/rand and a 32-byte key:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// (salt and key in unpadded standard base64, as the reference implementation writes
// them). It returns ErrBusy when no slot is free in time.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	key := derive(func() []byte {
		return argon2.IDKey([]byte(Normalize(pw)), salt, h.params.Time, h.params.Memory, h.params.Threads, keyLen)
	})
	return encode(h.params, salt, key), nil
}

func encode(p Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$%s$%s$%s", argon2.Version, p, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses a PHC string strictly: argon2id, version 19, "m=…,t=…,p=…" in that
// order with decimal numbers in bounds, unpadded standard base64 salt and key.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	if len(encoded) > maxEncoded {
		return p, nil, nil, ErrMalformed
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformed
	}
	v, ok := field(parts[2], "v=", 32)
	if !ok || v != argon2.Version {
		return p, nil, nil, ErrMalformed
	}
	mtp := strings.Split(parts[3], ",")
	if len(mtp) != 3 {
		return p, nil, nil, ErrMalformed
	}
	m, ok1 := field(mtp[0], "m=", 32)
	t, ok2 := field(mtp[1], "t=", 32)
	th, ok3 := field(mtp[2], "p=", 8)
	if !ok1 || !ok2 || !ok3 || th < 1 || m < 8*th || m > maxMemory || t < 1 || t > maxTime {
		return p, nil, nil, ErrMalformed
	}
	p = Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(th)}
	b64 := base64.RawStdEncoding.Strict()
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < minSalt || len(salt) > maxSalt || len(key) < minKey || len(key) > maxKey {
		return p, nil, nil, ErrMalformed
	}
	return p, salt, key, nil
}

// field parses "name=123" with a decimal number of at most bits bits.
func field(s, name string, bits int) (uint64, bool) {
	num, ok := strings.CutPrefix(s, name)
	if !ok || num == "" || len(num) > 10 {
		return 0, false
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(num, 10, bits)
	return n, err == nil
}

// Verify checks pw (after NFC) against a stored hash with the parameters the hash
// records, so hashes made under older parameters still verify, and compares the keys
// in constant time. needsRehash says the hash was not made with this hasher's
// parameters and lengths: the caller stores a fresh Hash of the password it now knows
// (PWD-2). A malformed encoded string is an error wrapping ErrMalformed; no free slot
// in time is ErrBusy.
func (h *Hasher) Verify(ctx context.Context, pw, encoded string) (ok, needsRehash bool, err error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	got := derive(func() []byte {
		return argon2.IDKey([]byte(Normalize(pw)), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	})
	ok = subtle.ConstantTimeCompare(got, key) == 1
	return ok, p != h.params || len(salt) != saltLen || len(key) != keyLen, nil
}

// VerifyDummy spends the time (and takes the slot) of a real Verify against a hash of
// this hasher's parameters, for a login that does not exist, so that the answer's
// timing does not tell which logins exist. Like Verify it returns ErrBusy when no slot
// is free in time: under load an unknown login must get the same 503 as a known one,
// not a quick "wrong password" that would both skip the work and tell them apart.
func (h *Hasher) VerifyDummy(ctx context.Context, pw string) error {
	_, _, err := h.Verify(ctx, pw, h.dummy)
	return err
}
