// Command hoks-ferretdb runs FerretDB v1.24 (MongoDB wire protocol over SQLite) as the
// embedded document store of the HOKS follow-up platform for local runs and tests.
//
// It wraps FerretDB's embeddable package so that the binary is built from the Go module proxy
// with the machine's Go toolchain (`go build` in this folder); production uses real MongoDB.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (loopback by default)")
	dataDir := flag.String("sqlite-dir", "data", "directory for the SQLite databases (created if missing)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	sqliteParams := flag.String("sqlite-params", "_txlock=immediate&_pragma=synchronous(normal)",
		"query parameters of the SQLite URI; immediate transactions serialise writers instead of "+
			"failing or stalling on lock upgrades under concurrent writes")
	atomicWrites := flag.Bool("atomic-writes", true,
		"serve the listen address through the atomic-write front (see front.go); false exposes "+
			"FerretDB itself, whose concurrent updates of one document overwrite each other")
	indexEvery := flag.Duration("id-index-interval", 2*time.Second,
		"how often to add the _id lookup index to new collection tables (see idindex.go)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "hoks-ferretdb: bad -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		logger.Error("cannot create data directory", "dir", *dataDir, "error", err)
		os.Exit(1)
	}

	listener := ferretdb.ListenerConfig{TCP: *listen}
	socket := filepath.Join(os.TempDir(), fmt.Sprintf("hoks-ferretdb-%d.sock", os.Getpid()))
	if *atomicWrites {
		_ = os.Remove(socket)
		listener = ferretdb.ListenerConfig{Unix: socket}
		defer os.Remove(socket)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  listener,
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dataDir + "/?" + *sqliteParams,
	})
	if err != nil {
		logger.Error("cannot start FerretDB", "error", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	go keepIDIndexes(ctx, *dataDir, *indexEvery, logger)

	if *atomicWrites {
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			logger.Error("cannot listen", "listen", *listen, "error", err)
			os.Exit(1)
		}
		fr := newFront(socket, logger)
		go func() {
			if err := fr.serve(ctx, ln); err != nil {
				logger.Error("atomic-write front stopped", "error", err)
				stop()
			}
		}()
	}

	logger.Warn("FerretDB listening", "listen", *listen, "atomic_writes", *atomicWrites, "sqlite_dir", *dataDir)
	if err := f.Run(ctx); err != nil {
		logger.Error("FerretDB stopped with an error", "error", err)
		os.Exit(1)
	}
}
