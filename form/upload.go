package form

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"kabinet"
)

// ParseXML reads an uploaded report (FIL-3) in the format documented in XML.md:
//
//	<?xml version="1.0" encoding="UTF-8"?>
//	<FORM IDFORM="107_3" VERSFORM="1">
//	  <PART1 TYPE="initial" PERIOD="2026-Q1"/>
//	  <PART2>
//	    <STI107X203>1500000.00</STI107X203>
//	    <STI107X204>900000</STI107X204>
//	  </PART2>
//	  <TABLE NAME="employees">
//	    <ROW><C2>…</C2><C11>…</C11></ROW>
//	  </TABLE>
//	</FORM>
//
// It reads at most maxBytes (more is a file_too_large error, KindTooLarge) and
// decodes token by token in strict mode: a DOCTYPE or entity declaration, invalid
// UTF-8, an encoding other than UTF-8, an unknown element or attribute, a cell or
// PART given twice, nesting deeper than the format, or text outside a cell is an
// invalid_file error (KindUnprocessable) with Details "line" and "reason". Whether a
// cell exists in the form is input control's to say (Check: unknown_cell).
func ParseXML(r io.Reader, maxBytes int64) (Input, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return Input{}, kabinet.Errorf(kabinet.KindInvalid, "invalid_file", "read: %v", err).With("reason", "read")
	}
	if int64(len(data)) > maxBytes {
		return Input{}, kabinet.Errorf(kabinet.KindTooLarge, "file_too_large", "larger than %d bytes", maxBytes).With("max_bytes", maxBytes)
	}
	p := &xmlParser{dec: xml.NewDecoder(bytes.NewReader(data))}
	p.dec.Strict = true
	p.dec.CharsetReader = func(charset string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q: only UTF-8 is accepted", charset)
	}
	if !utf8.Valid(data) {
		// Find the line of the first invalid byte, for the message.
		i := 0
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return Input{}, xmlError(bytes.Count(data[:i], []byte("\n"))+1, "invalid_utf8", "not valid UTF-8")
	}
	in, err := p.parse()
	if err != nil {
		return Input{}, err
	}
	return in, nil
}

// xmlError is an invalid_file error at a line of the file.
func xmlError(line int, reason, format string, args ...any) error {
	return kabinet.Errorf(kabinet.KindUnprocessable, "invalid_file", "line %d: %s", line, fmt.Sprintf(format, args...)).
		With("line", line).With("reason", reason)
}

type xmlParser struct {
	dec *xml.Decoder
}

func (p *xmlParser) line() int {
	l, _ := p.dec.InputPos()
	return l
}

var (
	idFormRE  = regexp.MustCompile(`^([0-9]{3})_([0-9]{1,3})$`)
	cellTagRE = regexp.MustCompile(`^STI([0-9]{3})X([0-9]{1,4})$`)
	colTagRE  = regexp.MustCompile(`^C([0-9]{1,4})$`)
)

// The format's limits, beside the byte limit.
const (
	xmlMaxValue = 10000 // characters in one cell
)

// token returns the next meaningful token: comments and processing instructions
// (the XML declaration) are skipped, directives (DOCTYPE, ENTITY) refused,
// whitespace-only text between elements skipped.
func (p *xmlParser) token() (xml.Token, error) {
	for {
		tok, err := p.dec.Token()
		if err == io.EOF {
			return nil, err
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, xmlError(se.Line, "syntax", "%s", se.Msg)
			}
			return nil, xmlError(p.line(), "syntax", "%v", err)
		}
		switch t := tok.(type) {
		case xml.Comment:
			continue
		case xml.ProcInst:
			if t.Target != "xml" {
				return nil, xmlError(p.line(), "processing_instruction", "processing instruction <?%s?> is not allowed", t.Target)
			}
			continue
		case xml.Directive:
			return nil, xmlError(p.line(), "doctype", "DOCTYPE and ENTITY declarations are not allowed")
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
			return xml.CopyToken(t), nil
		}
		return xml.CopyToken(tok), nil
	}
}

func attrs(se xml.StartElement, allowed ...string) (map[string]string, string) {
	m := map[string]string{}
	for _, a := range se.Attr {
		name := a.Name.Local
		if a.Name.Space != "" {
			return nil, a.Name.Space + ":" + name
		}
		ok := false
		for _, x := range allowed {
			if x == name {
				ok = true
			}
		}
		if !ok {
			return nil, name
		}
		if _, dup := m[name]; dup {
			return nil, name
		}
		m[name] = a.Value
	}
	return m, ""
}

func (p *xmlParser) parse() (Input, error) {
	in := Input{Cells: map[string]string{}}
	tok, err := p.token()
	if err == io.EOF {
		return in, xmlError(p.line(), "empty", "the file holds no document")
	}
	if err != nil {
		return in, err
	}
	root, ok := tok.(xml.StartElement)
	if !ok || root.Name.Local != "FORM" || root.Name.Space != "" {
		return in, xmlError(p.line(), "wrong_root", "the document must start with <FORM>")
	}
	a, bad := attrs(root, "IDFORM", "VERSFORM", "DATEREPORT", "NOMDOC")
	if bad != "" {
		return in, xmlError(p.line(), "unknown_attribute", "FORM: attribute %s is not part of the format", bad)
	}
	m := idFormRE.FindStringSubmatch(a["IDFORM"])
	if m == nil {
		return in, xmlError(p.line(), "idform", "FORM IDFORM=%q: want NNN_V, e.g. 107_3", clip(a["IDFORM"]))
	}
	if v := a["VERSFORM"]; v != "" && v != "1" {
		return in, xmlError(p.line(), "versform", "FORM VERSFORM=%q: this service reads format version 1", clip(v))
	}
	digits3 := m[1]
	in.Form = "STI-" + digits3
	in.Version, _ = strconv.Atoi(m[2])

	seenPart1, seenPart2 := false, false
	seenTable := map[string]bool{}
	for {
		tok, err := p.token()
		if err == io.EOF {
			return in, xmlError(p.line(), "syntax", "unexpected end of file: <FORM> is not closed")
		}
		if err != nil {
			return in, err
		}
		switch t := tok.(type) {
		case xml.EndElement: // </FORM>: nothing may follow but comments and space
			if tok, err := p.token(); err != io.EOF {
				if err != nil {
					return in, err
				}
				_ = tok
				return in, xmlError(p.line(), "trailing_content", "content after </FORM>")
			}
			if !seenPart1 {
				return in, xmlError(p.line(), "missing_part1", "PART1 (type and period) is missing")
			}
			return in, nil
		case xml.CharData:
			return in, xmlError(p.line(), "unexpected_text", "text directly inside <FORM>")
		case xml.StartElement:
			switch t.Name.Local {
			case "PART1":
				if seenPart1 {
					return in, xmlError(p.line(), "duplicate", "PART1 given twice")
				}
				seenPart1 = true
				a, bad := attrs(t, "TYPE", "PERIOD")
				if bad != "" {
					return in, xmlError(p.line(), "unknown_attribute", "PART1: attribute %s is not part of the format", bad)
				}
				in.Type, in.Period = Type(a["TYPE"]), a["PERIOD"]
				if err := p.empty("PART1"); err != nil {
					return in, err
				}
			case "PART2":
				if seenPart2 {
					return in, xmlError(p.line(), "duplicate", "PART2 given twice")
				}
				seenPart2 = true
				if _, bad := attrs(t); bad != "" {
					return in, xmlError(p.line(), "unknown_attribute", "PART2: attribute %s is not part of the format", bad)
				}
				if err := p.part2(digits3, in.Cells); err != nil {
					return in, err
				}
			case "TABLE":
				a, bad := attrs(t, "NAME")
				if bad != "" {
					return in, xmlError(p.line(), "unknown_attribute", "TABLE: attribute %s is not part of the format", bad)
				}
				name := a["NAME"]
				if !nameRE.MatchString(name) {
					return in, xmlError(p.line(), "table_name", "TABLE NAME=%q: want the table's name, e.g. employees", clip(name))
				}
				if seenTable[name] {
					return in, xmlError(p.line(), "duplicate", "TABLE %s given twice", name)
				}
				seenTable[name] = true
				rows, err := p.table()
				if err != nil {
					return in, err
				}
				if in.Tables == nil {
					in.Tables = map[string][]map[string]string{}
				}
				in.Tables[name] = rows
			default:
				return in, xmlError(p.line(), "unknown_element", "<%s> is not part of the format", clip(t.Name.Local))
			}
		}
	}
}

// empty reads up to the end of an element that must hold nothing.
func (p *xmlParser) empty(name string) error {
	tok, err := p.token()
	if err != nil {
		return p.eof(err)
	}
	if _, ok := tok.(xml.EndElement); !ok {
		return xmlError(p.line(), "unexpected_content", "%s must be empty", name)
	}
	return nil
}

func (p *xmlParser) eof(err error) error {
	if err == io.EOF {
		return xmlError(p.line(), "syntax", "unexpected end of file")
	}
	return err
}

// text reads a cell's text up to its end tag; nested elements are too deep.
func (p *xmlParser) text(name string) (string, error) {
	var b strings.Builder
	for {
		tok, err := p.dec.Token()
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return "", xmlError(se.Line, "syntax", "%s", se.Msg)
			}
			return "", p.eof(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
			if b.Len() > xmlMaxValue {
				return "", xmlError(p.line(), "value_too_long", "%s: longer than %d characters", name, xmlMaxValue)
			}
		case xml.EndElement:
			return strings.TrimSpace(b.String()), nil
		case xml.Comment:
		case xml.StartElement:
			return "", xmlError(p.line(), "too_deep", "<%s> inside the cell %s", clip(t.Name.Local), name)
		default:
			return "", xmlError(p.line(), "unexpected_content", "unexpected content in %s", name)
		}
	}
}

func (p *xmlParser) part2(form string, cells map[string]string) error {
	for {
		tok, err := p.token()
		if err != nil {
			return p.eof(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.CharData:
			return xmlError(p.line(), "unexpected_text", "text directly inside <PART2>")
		case xml.StartElement:
			m := cellTagRE.FindStringSubmatch(t.Name.Local)
			if m == nil || m[1] != form {
				return xmlError(p.line(), "unknown_cell", "<%s> is not a cell of STI-%s (cells are STI%sX<number>)", clip(t.Name.Local), form, form)
			}
			if len(t.Attr) > 0 {
				return xmlError(p.line(), "unknown_attribute", "%s: cells have no attributes", t.Name.Local)
			}
			if _, dup := cells[m[2]]; dup {
				return xmlError(p.line(), "duplicate_cell", "cell %s given twice", m[2])
			}
			v, err := p.text(t.Name.Local)
			if err != nil {
				return err
			}
			cells[m[2]] = v
		}
	}
}

func (p *xmlParser) table() ([]map[string]string, error) {
	rows := []map[string]string{}
	for {
		tok, err := p.token()
		if err != nil {
			return nil, p.eof(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return rows, nil
		case xml.CharData:
			return nil, xmlError(p.line(), "unexpected_text", "text directly inside <TABLE>")
		case xml.StartElement:
			if t.Name.Local != "ROW" || len(t.Attr) > 0 {
				return nil, xmlError(p.line(), "unknown_element", "<%s> inside <TABLE>: want <ROW> without attributes", clip(t.Name.Local))
			}
			if len(rows) >= 100000 {
				return nil, xmlError(p.line(), "too_many_rows", "more than 100000 rows")
			}
			row := map[string]string{}
			if err := p.row(row); err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
	}
}

func (p *xmlParser) row(row map[string]string) error {
	for {
		tok, err := p.token()
		if err != nil {
			return p.eof(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.CharData:
			return xmlError(p.line(), "unexpected_text", "text directly inside <ROW>")
		case xml.StartElement:
			m := colTagRE.FindStringSubmatch(t.Name.Local)
			if m == nil || len(t.Attr) > 0 {
				return xmlError(p.line(), "unknown_cell", "<%s> inside <ROW>: want C<column number> without attributes", clip(t.Name.Local))
			}
			if _, dup := row[m[1]]; dup {
				return xmlError(p.line(), "duplicate_cell", "column %s given twice in a row", m[1])
			}
			v, err := p.text(t.Name.Local)
			if err != nil {
				return err
			}
			row[m[1]] = v
		}
	}
}

// ParseJSON reads a filing's body as the API carries it (SPEC: {form, version?,
// period, type, cells, tables?}): every cell value a JSON string. It reads at most
// maxBytes (more is file_too_large, KindTooLarge); other top-level members (the
// password) are the caller's and ignored here. Malformed JSON, a value that is not a
// string is invalid_json (KindInvalid) with the byte offset.
func ParseJSON(r io.Reader, maxBytes int64) (Input, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return Input{}, kabinet.Errorf(kabinet.KindInvalid, "invalid_json", "read: %v", err)
	}
	if int64(len(data)) > maxBytes {
		return Input{}, kabinet.Errorf(kabinet.KindTooLarge, "file_too_large", "larger than %d bytes", maxBytes).With("max_bytes", maxBytes)
	}
	if !utf8.Valid(data) {
		return Input{}, kabinet.Errorf(kabinet.KindInvalid, "invalid_json", "not valid UTF-8")
	}
	var in Input
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&in); err != nil {
		return Input{}, kabinet.Errorf(kabinet.KindInvalid, "invalid_json", "%v", err).With("offset", dec.InputOffset())
	}
	if dec.More() {
		return Input{}, kabinet.Errorf(kabinet.KindInvalid, "invalid_json", "data after the JSON object")
	}
	if in.Cells == nil {
		in.Cells = map[string]string{}
	}
	return in, nil
}
