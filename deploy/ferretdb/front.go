package main

// The atomic-write front. FerretDB 1.24 executes an update as a read of the matching documents
// followed by a separate write of each whole document (internal/handler/msg_update.go), with no
// lock in between: two writers of one document overwrite each other (200 concurrent $inc on one
// document keep ~70). MongoDB makes every single-document write atomic and the services rely on
// it. This front listens on the public port, forwards every message to FerretDB on a private
// Unix socket, and holds a lock per collection from the moment a write command (insert, update,
// delete, findAndModify) is forwarded until its reply comes back: writes to one collection are
// applied one after another, which is per-document atomicity and a bit more. Reads, and writes
// to other collections, still run concurrently; SQLite then interleaves the writers of one
// database file statement by statement, so a single update (a click, a domain event) waits for
// one statement of a bulk load in another collection, not for the whole bulk write.
//
// A write of more than one statement also holds a lock per database: FerretDB holds a pooled
// connection per statement until the command ends, and its pool of 100 per database deadlocks
// when concurrent bulk writes hold them all (see the README). One bulk write at a time per
// database (at most 50 statements, WRITE_CHUNK) leaves the pool room for the single writes.
// Locks are always taken database first, then collection: no two writes wait for each other.

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
)

var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findAndModify": true, "findandmodify": true,
}

type front struct {
	backend string // FerretDB's Unix socket
	logger  *slog.Logger

	mu    sync.Mutex
	locks map[string]*sync.Mutex // "db.collection" and "db" (bulk writes) → their locks

	writes, connections atomic.Int64
}

func newFront(backend string, logger *slog.Logger) *front {
	return &front{backend: backend, logger: logger, locks: map[string]*sync.Mutex{}}
}

// locksFor are the locks a write holds, in the order they are taken.
func (f *front) locksFor(c command) []*sync.Mutex {
	collection := f.lock(c.database + "." + c.collection)
	if c.statements > 1 {
		return []*sync.Mutex{f.lock(c.database), collection}
	}
	return []*sync.Mutex{collection}
}

func (f *front) lock(key string) *sync.Mutex {
	f.mu.Lock()
	defer f.mu.Unlock()
	l, ok := f.locks[key]
	if !ok {
		l = &sync.Mutex{}
		f.locks[key] = l
	}
	return l
}

// serve accepts client connections until ctx ends.
func (f *front) serve(ctx context.Context, ln net.Listener) error {
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		client, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		go f.handle(ctx, client)
	}
}

// pending is a forwarded write waiting for its reply: the locks it holds, and whether the
// client asked for no reply (moreToCome), in which case the front swallows the reply.
type pending struct {
	locks   []*sync.Mutex
	swallow bool
}

func (p pending) release() {
	for i := len(p.locks) - 1; i >= 0; i-- {
		p.locks[i].Unlock()
	}
}

func (f *front) handle(ctx context.Context, client net.Conn) {
	f.connections.Add(1)
	defer f.connections.Add(-1)
	defer client.Close()

	var dialer net.Dialer
	server, err := dialer.DialContext(ctx, "unix", f.backend)
	if err != nil {
		f.logger.Error("front: cannot reach FerretDB", "error", err)
		return
	}
	defer server.Close()

	var mu sync.Mutex
	waiting := map[int32]pending{}
	releaseAll := func() {
		mu.Lock()
		defer mu.Unlock()
		for id, p := range waiting {
			p.release()
			delete(waiting, id)
		}
	}
	defer releaseAll() // a connection that dies mid-write never keeps its lock

	done := make(chan struct{})
	go func() { // replies: release the write lock as soon as the write's reply is back
		defer close(done)
		defer client.Close()
		for {
			reply, err := readMessage(server)
			if err != nil {
				return
			}
			mu.Lock()
			p, ok := waiting[reply.responseTo()]
			if ok {
				delete(waiting, reply.responseTo())
				p.release()
			}
			mu.Unlock()
			if ok && p.swallow {
				continue
			}
			if _, err := client.Write(reply); err != nil {
				return
			}
		}
	}()

	for {
		request, err := readMessage(client)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				f.logger.Debug("front: client connection ended", "error", err)
			}
			break
		}
		if err := f.forward(request, server, &mu, waiting); err != nil {
			f.logger.Debug("front: FerretDB connection ended", "error", err)
			break
		}
	}
	server.Close()
	<-done
}

func (f *front) forward(request message, server net.Conn, mu *sync.Mutex, waiting map[int32]pending) error {
	c, err := commandOf(request)
	if err != nil {
		f.logger.Warn("front: unreadable OP_MSG forwarded without a lock", "error", err)
	}
	if !writeCommands[c.name] {
		_, err := server.Write(request)
		return err
	}
	p := pending{locks: f.locksFor(c)}
	if request.flags()&flagMoreToCome != 0 {
		if request.flags()&flagChecksumPresent != 0 {
			// the checksum covers the flags: such a write cannot be made to answer; no lock
			f.logger.Warn("front: unacknowledged write with a checksum forwarded without a lock")
			_, err := server.Write(request)
			return err
		}
		// an unacknowledged write: ask for the reply anyway, so the lock is held until it is done
		request.withoutMoreToCome()
		p.swallow = true
	}
	for _, l := range p.locks {
		l.Lock()
	}
	mu.Lock()
	waiting[request.requestID()] = p
	mu.Unlock()
	f.writes.Add(1)
	_, err = server.Write(request)
	return err
}
