/* vigild.h — the daemon's parts in one struct, reachable from every lws
 * callback through lws_context_user(). Created and destroyed by daemon.c.
 *
 * Threads: the service thread (server.c) runs every lws callback — gateway,
 * API, tasks; the ingest thread decodes and writes batches (ingest.c); the
 * hook thread runs ingest hooks (live stream, task replies, later rules);
 * the main thread waits for signals. Modules say which of their functions
 * are callable from which thread. */
#ifndef VIGILD_VIGILD_H
#define VIGILD_VIGILD_H

struct vigild_config;
struct store;
struct ca;
struct registry;
struct ingest;
struct gateway;
struct api;
struct tasks;
struct server;
struct rules;
struct outputs;
struct vt;

struct vigild {
  const struct vigild_config *cfg; /* the running config (SIGHUP swaps fields of it) */
  struct store *store;
  struct ca *ca;
  struct registry *reg;
  struct ingest *ingest;
  struct gateway *gw;
  struct api *api;
  struct tasks *tasks;
  struct server *server;
  struct rules *rules; /* detection & response (rules.h) */
  struct outputs *outputs; /* detections' delivery (outputs.h) */
  struct vt *vt;           /* the api/vt lookup resource (vt.h); NULL when not configured */
  char *ca_path, *cert_path, *key_path; /* PEM files in the data dir */
};

#endif
