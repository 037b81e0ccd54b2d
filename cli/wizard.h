/* wizard.h — the IOC wizard: indicators (domains, IP addresses, SHA-256
 * hashes, executable path suffixes), target platforms and responses → one
 * detection & response rule, as JSON for shared/rule.h's emitter (the same
 * YAML the rule engine loads; the console's wizard writes the same shape).
 *
 *   domain       DNS_REQUEST            event/DOMAIN_NAME        is (any case)
 *   ip           NEW_{TCP,UDP}{4,6}_CONNECTION  event/ * /IP_ADDRESS  is
 *                DNS_REQUEST            event/IP_ADDRESSES       is (answers)
 *   hash         NEW_PROCESS            event/HASH               is (any case)
 *   path suffix  NEW_PROCESS            event/FILE_PATH          ends with
 *                                       (any case unless linux is the only platform)
 *   platforms    an `is platform` node (an `or` of them) and-ed with the IOCs
 *   responses    report (name, priority); kill: task `os_kill_process -a
 *                <<routing/this>>` for process IOCs, `<<routing/parent>>` (the
 *                process that made the DNS request / connection) for network
 *                ones — so kill refuses a mix of both; isolate: isolate
 *                network; tag:NAME: add tag NAME (7 days).
 */
#ifndef VIGIL_CLI_WIZARD_H
#define VIGIL_CLI_WIZARD_H

#include <jansson.h>
#include <stdbool.h>

#include "shared/err.h"

#define WIZARD_IOCS_MAX 10000        /* indicators in one rule */
#define WIZARD_DOMAIN_MAX 253        /* bytes of a domain name */
#define WIZARD_TAG_TTL_S (7 * 86400) /* tag:NAME lasts this long */

enum wizard_ioc { WIZARD_DOMAIN, WIZARD_IP, WIZARD_HASH, WIZARD_PATH_SUFFIX, WIZARD_IOC_KINDS };

enum wizard_platform { WIZARD_LINUX = 1, WIZARD_WINDOWS = 2, WIZARD_MACOS = 4 };

struct wizard {
  json_t *iocs[WIZARD_IOC_KINDS]; /* arrays of normalised strings */
  unsigned platforms;             /* enum wizard_platform bits; 0 = any */
  bool report, kill, isolate;
  json_t *tags;                   /* add tag names */
  const char *name;               /* rule name = report name */
  int priority;
};

void wizard_init(struct wizard *w);
void wizard_cleanup(struct wizard *w);
/* Add one indicator (checked and normalised: lower-case domain and hash, IP
 * as inet_ntop writes it). 0 or -VG_EINVAL / -VG_ELIMIT naming it. */
int wizard_add_ioc(struct wizard *w, enum wizard_ioc kind, const char *value, struct vg_err *err);
/* "linux", "windows", "macos" (or "mac"). */
int wizard_add_platform(struct wizard *w, const char *name, struct vg_err *err);
/* "report", "kill", "isolate", "tag:NAME". */
int wizard_add_response(struct wizard *w, const char *name, struct vg_err *err);
/* The rule {detect, respond} (new reference), or NULL with err (no
 * indicators, no name, kill over mixed kinds). */
json_t *wizard_rule(const struct wizard *w, struct vg_err *err);

#endif
