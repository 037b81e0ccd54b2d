/* cmd_net.c — netstat (/proc/net/{tcp,tcp6,udp,udp6}, owners found through
 * the socket inodes in /proc/PID/fd), dns_resolve (getaddrinfo), pcap_ifaces
 * (getifaddrs). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sensor/cmd_util.h"
#include "sensor/cmds.h"
#include "sensor/parse.h"
#include "shared/alloc.h"

/* inode → pid, sorted for bsearch. */
struct owner {
  uint64_t inode;
  pid_t pid;
};

static int owner_cmp(const void *a, const void *b) {
  const struct owner *x = a, *y = b;
  return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static struct owner *socket_owners(size_t *n) {
  size_t cap = 256;
  struct owner *v = vg_xmalloc(cap * sizeof *v);
  *n = 0;
  DIR *proc = opendir("/proc");
  if (!proc) return v;
  struct dirent *pe;
  while ((pe = readdir(proc)) && *n < CMD_NET_MAX_SOCKETS) {
    char *end;
    long pid = strtol(pe->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    char fdp[64];
    snprintf(fdp, sizeof fdp, "/proc/%ld/fd", pid);
    DIR *fds = opendir(fdp);
    if (!fds) continue;
    struct dirent *fe;
    while ((fe = readdir(fds)) && *n < CMD_NET_MAX_SOCKETS) {
      char lp[384], target[64];
      snprintf(lp, sizeof lp, "%s/%s", fdp, fe->d_name);
      ssize_t k = readlink(lp, target, sizeof target - 1);
      if (k <= 8) continue;
      target[k] = '\0';
      unsigned long long ino;
      if (sscanf(target, "socket:[%llu]", &ino) != 1) continue;
      if (*n == cap) v = vg_xreallocarray(v, cap *= 2, sizeof *v);
      v[(*n)++] = (struct owner){ino, (pid_t)pid};
    }
    closedir(fds);
  }
  closedir(proc);
  qsort(v, *n, sizeof *v, owner_cmp);
  return v;
}

static json_t *endpoint(int family, const uint8_t *a, uint16_t port) {
  char s[INET6_ADDRSTRLEN];
  inet_ntop(family, a, s, sizeof s);
  return json_pack("{s:s, s:i}", "IP_ADDRESS", s, "PORT", port);
}

int cmd_net_netstat(struct cmd_call *c, int argc, char **argv) {
  const char *pos[1];
  int npos, rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 0, 0);
  if (rc) return rc;
  static const struct {
    const char *path, *proto;
    int family;
  } files[] = {{"/proc/net/tcp", "TCP4", AF_INET},
               {"/proc/net/tcp6", "TCP6", AF_INET6},
               {"/proc/net/udp", "UDP4", AF_INET},
               {"/proc/net/udp6", "UDP6", AF_INET6}};
  size_t nowners;
  struct owner *owners = socket_owners(&nowners);
  struct cmd_list l;
  cmd_util_list_init(&l, c, "NETWORK_ACTIVITY", CMD_NET_MAX_SOCKETS);
  int bad = 0;
  bool go = true;
  for (size_t f = 0; go && f < sizeof files / sizeof files[0]; f++) {
    char *buf;
    size_t n;
    if (cmd_util_read_file(files[f].path, CMD_NET_MAX_FILE_BYTES, &buf, &n, NULL)) continue;
    const char *p = buf, *end = buf + n;
    bool header = true;
    while (go && p < end) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      size_t ln = nl ? (size_t)(nl - p) : (size_t)(end - p);
      const char *line = p;
      p += ln + (nl ? 1 : 0);
      if (header) {
        header = false;
        continue;
      }
      struct parse_procnet_entry e;
      if (parse_procnet_line(line, ln, files[f].family, &e, NULL)) {
        bad++;
        continue;
      }
      bool udp = files[f].proto[0] == 'U';
      json_t *o = json_pack("{s:s, s:o, s:o, s:s, s:I, s:I}", "PROTOCOL", files[f].proto, "SOURCE",
                            endpoint(e.family, e.local, e.lport), "DESTINATION",
                            endpoint(e.family, e.remote, e.rport), "STATE",
                            udp ? (e.state == 7 ? "UNCONNECTED" : "CONNECTED")
                                : parse_procnet_state_name(e.state),
                            "USER_ID", (json_int_t)e.uid, "INODE", (json_int_t)e.inode);
      struct owner key = {e.inode, 0}, *who = NULL;
      if (e.inode && nowners) who = bsearch(&key, owners, nowners, sizeof *owners, owner_cmp);
      if (who) {
        json_object_set_new(o, "PROCESS_ID", json_integer(who->pid));
        char ep[64], exe[VG_LIMIT_FILE_PATH_BYTES];
        snprintf(ep, sizeof ep, "/proc/%d/exe", (int)who->pid);
        ssize_t k = readlink(ep, exe, sizeof exe - 1);
        if (k > 0) {
          exe[k] = '\0';
          json_object_set_new(o, "FILE_PATH", json_string(exe));
        }
      }
      go = cmd_util_list_add(&l, o);
    }
    free(buf);
  }
  free(owners);
  cmd_util_list_finish(&l, json_pack("{s:i}", "MALFORMED_LINES", bad));
  return 0;
}

int cmd_net_dns_resolve(struct cmd_call *c, int argc, char **argv) {
  const char *pos[1];
  int npos, rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 1, 1);
  if (rc) return rc;
  if (strlen(pos[0]) > 253) return cmd_error(c, -VG_ELIMIT, "NAME longer than 253 bytes");
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_CANONNAME}, *res;
  int g = getaddrinfo(pos[0], NULL, &hints, &res);
  if (g)
    return cmd_error(c, g == EAI_NONAME || g == EAI_NODATA ? -VG_ENOTFOUND : -VG_EIO, "%s: %s",
                     pos[0], gai_strerror(g));
  json_t *v4 = json_array(), *v6 = json_array();
  for (struct addrinfo *a = res; a; a = a->ai_next) {
    char s[INET6_ADDRSTRLEN];
    const void *src = a->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
                                              : (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;
    if (a->ai_family != AF_INET && a->ai_family != AF_INET6) continue;
    inet_ntop(a->ai_family, src, s, sizeof s);
    json_t *arr = a->ai_family == AF_INET ? v4 : v6;
    bool dup = false;
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) dup |= strcmp(json_string_value(x), s) == 0;
    if (!dup && json_array_size(arr) < CMD_NET_MAX_ADDRS) json_array_append_new(arr, json_string(s));
  }
  json_t *o = json_pack("{s:s, s:o, s:o}", "DOMAIN_NAME", pos[0], "IPV4", v4, "IPV6", v6);
  if (res && res->ai_canonname) {
    json_t *cn = json_string(res->ai_canonname);
    if (cn) json_object_set_new(o, "CNAME", cn);
  }
  freeaddrinfo(res);
  cmd_reply(c, o);
  return 0;
}

int cmd_net_pcap_ifaces(struct cmd_call *c, int argc, char **argv) {
  const char *pos[1];
  int npos, rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 0, 0);
  if (rc) return rc;
  struct ifaddrs *ifs;
  if (getifaddrs(&ifs) != 0) return cmd_util_errno(c, errno, "getifaddrs");
  json_t *by = json_object();
  for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
    json_t *o = json_object_get(by, i->ifa_name);
    if (!o) {
      if (json_object_size(by) >= CMD_NET_MAX_IFACES) continue;
      o = json_pack("{s:s, s:b, s:b, s:[], s:[]}", "NAME", i->ifa_name, "IS_UP",
                    (i->ifa_flags & IFF_UP) != 0, "IS_LOOPBACK", (i->ifa_flags & IFF_LOOPBACK) != 0,
                    "IPV4", "IPV6");
      json_object_set_new(by, i->ifa_name, o);
    }
    if (!i->ifa_addr) continue;
    char s[INET6_ADDRSTRLEN];
    int fam = i->ifa_addr->sa_family;
    if (fam == AF_INET) {
      inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, s, sizeof s);
      json_array_append_new(json_object_get(o, "IPV4"), json_string(s));
    } else if (fam == AF_INET6) {
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, s, sizeof s);
      json_array_append_new(json_object_get(o, "IPV6"), json_string(s));
    } else if (fam == AF_PACKET) {
      const struct sockaddr_ll *ll = (const struct sockaddr_ll *)i->ifa_addr;
      if (ll->sll_halen == 6) {
        char mac[18];
        snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", ll->sll_addr[0], ll->sll_addr[1],
                 ll->sll_addr[2], ll->sll_addr[3], ll->sll_addr[4], ll->sll_addr[5]);
        json_object_set_new(o, "MAC_ADDRESS", json_string(mac));
      }
    }
  }
  freeifaddrs(ifs);
  json_t *arr = json_array(), *v;
  const char *k;
  json_object_foreach(by, k, v) json_array_append(arr, v);
  json_decref(by);
  cmd_reply(c, json_pack("{s:o}", "INTERFACES", arr));
  return 0;
}
