package form

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"sync"
	"time"

	"kabinet"
)

//go:embed defs/*.json
var defsFS embed.FS

// Catalog is the form catalogue (FIL-1): the definitions shipped in the binary plus
// the versions a supervisor loads at run time. It is safe for concurrent use.
type Catalog struct {
	mu    sync.RWMutex
	forms map[string][]*Definition // by code, by version ascending
}

// NewCatalog returns an empty catalogue.
func NewCatalog() *Catalog { return &Catalog{forms: map[string][]*Definition{}} }

// Embedded returns a catalogue of the definitions shipped in the binary (defs/*.json).
func Embedded() (*Catalog, error) {
	c := NewCatalog()
	names, err := fs.Glob(defsFS, "defs/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		b, err := defsFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		d, err := Parse(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := c.Add(d); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return c, nil
}

// Load parses a definition file (a supervisor's upload of a new form version),
// validates it and adds it.
func (c *Catalog) Load(data []byte) (*Definition, error) {
	d, err := Parse(data)
	if err != nil {
		return nil, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_definition", "%v", err)
	}
	if err := c.Add(d); err != nil {
		return nil, err
	}
	return d, nil
}

// Add validates d and adds it. A version already held is a conflict, and so is a
// period kind other than the form's other versions'.
func (c *Catalog) Add(d *Definition) error {
	if d.prog == nil {
		if err := d.Validate(); err != nil {
			return kabinet.Errorf(kabinet.KindUnprocessable, "invalid_definition", "%v", err)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, o := range c.forms[d.Code] {
		if o.Version == d.Version {
			return kabinet.Errorf(kabinet.KindConflict, "form_version_exists", "%s is already in the catalogue", d.ID())
		}
		if o.PeriodKind != d.PeriodKind {
			return kabinet.Errorf(kabinet.KindUnprocessable, "invalid_definition", "%s: period kind %s, other versions %s", d.ID(), d.PeriodKind, o.PeriodKind)
		}
	}
	list := append(c.forms[d.Code], d)
	sort.Slice(list, func(i, j int) bool { return list[i].Version < list[j].Version })
	c.forms[d.Code] = list
	return nil
}

// List returns every version of every form, by code and version.
func (c *Catalog) List() []*Definition {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []*Definition
	for _, list := range c.forms {
		out = append(out, list...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		return out[i].Version < out[j].Version
	})
	return out
}

// Version returns one version of a form, or a not_found error.
func (c *Catalog) Version(code string, n int) (*Definition, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, d := range c.forms[code] {
		if d.Version == n {
			return d, nil
		}
	}
	return nil, kabinet.Errorf(kabinet.KindNotFound, "form_not_found", "no form %s_%d", code, n)
}

// InForce returns the version of the form that applies to period p: of the versions
// covering p, the one that took effect last (the highest version on a tie). A form
// the catalogue does not hold is form_not_found; a period no version covers (before
// the first) is period_not_open.
func (c *Catalog) InForce(code string, p Period) (*Definition, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	list := c.forms[code]
	if len(list) == 0 {
		return nil, kabinet.Errorf(kabinet.KindNotFound, "form_not_found", "no form %s", code)
	}
	var best *Definition
	var bestFrom Period
	for _, d := range list {
		if !d.Covers(p) {
			continue
		}
		from, _ := ParsePeriod(d.PeriodKind, d.ValidFrom)
		if best == nil || !from.Before(bestFrom) {
			best, bestFrom = d, from
		}
	}
	if best == nil {
		return nil, periodNotOpen(code, p.String(), "no version of the form applies to it")
	}
	return best, nil
}

// Open returns the version of the form for filing period (as on the wire) at now:
// the period must be of the form's kind, covered by a version and ended (its last day
// over in Bishkek). Otherwise period_not_open (422). version > 0 names a version,
// which must cover the period.
func (c *Catalog) Open(code, period string, version int, now time.Time) (*Definition, Period, error) {
	c.mu.RLock()
	list := c.forms[code]
	c.mu.RUnlock()
	if len(list) == 0 {
		return nil, Period{}, kabinet.Errorf(kabinet.KindNotFound, "form_not_found", "no form %s", code)
	}
	p, err := ParsePeriod(list[0].PeriodKind, period)
	if err != nil {
		return nil, Period{}, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_period", "%v", err).With("period_kind", string(list[0].PeriodKind))
	}
	var d *Definition
	if version > 0 {
		d, err = c.Version(code, version)
		if err != nil {
			return nil, p, err
		}
		if !d.Covers(p) {
			return nil, p, periodNotOpen(code, period, fmt.Sprintf("version %d does not apply to it", version))
		}
	} else if d, err = c.InForce(code, p); err != nil {
		return nil, p, err
	}
	if !p.Ended(now) {
		return nil, p, periodNotOpen(code, period, "the period has not ended")
	}
	return d, p, nil
}

func periodNotOpen(code, period, why string) error {
	return kabinet.Errorf(kabinet.KindUnprocessable, "period_not_open", "%s for %s: %s", code, period, why).With("period", period)
}
