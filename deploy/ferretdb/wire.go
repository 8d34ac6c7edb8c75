package main

// Just enough of the MongoDB wire protocol to tell which messages are writes: a message is a
// 16-byte header (length, requestID, responseTo, opCode, little-endian) and a body. Commands
// travel as OP_MSG (opCode 2013): flag bits, then sections: one of kind 0 holding the command
// document, whose first key names the command and whose value names the collection, `$db` the
// database; and for a bulk write, sections of kind 1 holding the statements (documents, updates
// or deletes) as a sequence. Everything else is forwarded untouched.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

const (
	headerLen     = 16
	opMsg         = 2013
	maxMessageLen = 64 << 20 // above MongoDB's 48 MB maxMessageSizeBytes

	flagChecksumPresent = 1 << 0
	flagMoreToCome      = 1 << 1
)

// message is one wire-protocol message, header included.
type message []byte

func (m message) requestID() int32  { return int32(binary.LittleEndian.Uint32(m[4:8])) }
func (m message) responseTo() int32 { return int32(binary.LittleEndian.Uint32(m[8:12])) }
func (m message) opCode() int32     { return int32(binary.LittleEndian.Uint32(m[12:16])) }

func (m message) flags() uint32 {
	if m.opCode() != opMsg || len(m) < headerLen+4 {
		return 0
	}
	return binary.LittleEndian.Uint32(m[headerLen : headerLen+4])
}

// withoutMoreToCome clears the moreToCome bit of an OP_MSG request, so the server replies.
// Only allowed without a checksum (which would cover the flags).
func (m message) withoutMoreToCome() {
	binary.LittleEndian.PutUint32(m[headerLen:headerLen+4], m.flags()&^flagMoreToCome)
}

func readMessage(r io.Reader) (message, error) {
	var header [headerLen]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	length := int(int32(binary.LittleEndian.Uint32(header[0:4])))
	if length < headerLen || length > maxMessageLen {
		return nil, fmt.Errorf("wire message of %d bytes", length)
	}
	m := make(message, length)
	copy(m, header[:])
	if _, err := io.ReadFull(r, m[headerLen:]); err != nil {
		return nil, err
	}
	return m, nil
}

// command is what a request asks for: its name, collection and database (empty when unknown),
// and how many statements it carries (documents, updates or deletes).
type command struct {
	name, collection, database string
	statements                 int
}

// commandOf reads the command document of an OP_MSG request; other opcodes give a zero command.
func commandOf(m message) (command, error) {
	if m.opCode() != opMsg {
		return command{}, nil
	}
	body := m[headerLen+4:]
	if m.flags()&flagChecksumPresent != 0 {
		if len(body) < 4 {
			return command{}, errors.New("short OP_MSG")
		}
		body = body[:len(body)-4]
	}
	var c command
	found, sequenced := false, 0
	for len(body) > 0 {
		kind := body[0]
		body = body[1:]
		if len(body) < 4 {
			return command{}, errors.New("short OP_MSG section")
		}
		size := int(int32(binary.LittleEndian.Uint32(body[0:4])))
		if size < 5 || size > len(body) {
			return command{}, errors.New("bad OP_MSG section size")
		}
		var err error
		switch kind {
		case 0:
			c, err = commandDocument(body[:size])
			found = true
		case 1:
			var n int
			n, err = sequenceLength(body[:size])
			sequenced += n
		}
		if err != nil {
			return command{}, err
		}
		body = body[size:]
	}
	if !found {
		return command{}, errors.New("OP_MSG without a command document")
	}
	c.statements += sequenced
	return c, nil
}

// sequenceLength counts the documents of a kind-1 section: size, identifier, documents.
func sequenceLength(section []byte) (int, error) {
	_, pos, err := cstring(section, 4)
	if err != nil {
		return 0, err
	}
	n := 0
	for pos < len(section) {
		size := int(lengthAt(section, pos))
		if size < 5 || pos+size > len(section) {
			return 0, errors.New("bad document in an OP_MSG sequence")
		}
		pos += size
		n++
	}
	return n, nil
}

// statementArrays are the command fields that hold a write's statements when they are not sent
// as a document sequence.
var statementArrays = map[string]bool{"documents": true, "updates": true, "deletes": true}

// commandDocument walks the top-level elements of a BSON document.
func commandDocument(doc []byte) (command, error) {
	var c command
	pos, end := 4, len(doc)-1 // after the length, before the trailing zero
	first := true
	for pos < end {
		kind := doc[pos]
		pos++
		name, next, err := cstring(doc, pos)
		if err != nil {
			return c, err
		}
		pos = next
		valueEnd, err := skipValue(doc, pos, kind)
		if err != nil {
			return c, err
		}
		switch {
		case kind == 0x02 && first:
			c.collection = string(doc[pos+4 : valueEnd-1])
		case kind == 0x02 && name == "$db":
			c.database = string(doc[pos+4 : valueEnd-1])
		case kind == 0x04 && statementArrays[name]:
			c.statements += countElements(doc[pos:valueEnd])
		}
		if first {
			c.name = name
			first = false
		}
		pos = valueEnd
	}
	return c, nil
}

// countElements counts the top-level elements of a BSON document or array.
func countElements(doc []byte) int {
	n := 0
	for pos, end := 4, len(doc)-1; pos < end; n++ {
		kind := doc[pos]
		_, next, err := cstring(doc, pos+1)
		if err != nil {
			return n
		}
		if pos, err = skipValue(doc, next, kind); err != nil {
			return n
		}
	}
	return n
}

func cstring(b []byte, pos int) (string, int, error) {
	for i := pos; i < len(b); i++ {
		if b[i] == 0 {
			return string(b[pos:i]), i + 1, nil
		}
	}
	return "", 0, errors.New("unterminated BSON name")
}

// skipValue returns where the value of BSON type kind starting at pos ends.
func skipValue(b []byte, pos int, kind byte) (int, error) {
	fixed := map[byte]int{0x01: 8, 0x06: 0, 0x07: 12, 0x08: 1, 0x09: 8, 0x0A: 0, 0x10: 4, 0x11: 8,
		0x12: 8, 0x13: 16, 0xFF: 0, 0x7F: 0}
	var end int
	switch kind {
	case 0x02, 0x0D, 0x0E: // string, JavaScript, symbol: int32 length + bytes
		end = pos + 4 + int(lengthAt(b, pos))
	case 0x03, 0x04, 0x0F: // document, array, code with scope: the int32 counts itself
		end = pos + int(lengthAt(b, pos))
	case 0x05: // binary: int32 length + subtype + bytes
		end = pos + 5 + int(lengthAt(b, pos))
	case 0x0B: // regex: two cstrings
		_, next, err := cstring(b, pos)
		if err != nil {
			return 0, err
		}
		_, end, err = cstring(b, next)
		if err != nil {
			return 0, err
		}
	case 0x0C: // DBPointer: string + 12-byte id
		end = pos + 4 + int(lengthAt(b, pos)) + 12
	default:
		n, ok := fixed[kind]
		if !ok {
			return 0, fmt.Errorf("unknown BSON type 0x%02x", kind)
		}
		end = pos + n
	}
	if end < pos || end > len(b) {
		return 0, errors.New("BSON value past the end of the document")
	}
	return end, nil
}

func lengthAt(b []byte, pos int) int32 {
	if pos+4 > len(b) {
		return -1 << 30 // makes the caller's bounds check fail
	}
	return int32(binary.LittleEndian.Uint32(b[pos : pos+4]))
}
