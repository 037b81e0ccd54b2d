/* collect_dns.h — the DNS collector (collect_dns.c): AF_PACKET capture of
 * port 53 (UDP and TCP) on every interface, DNS_REQUEST per answered query. */
#ifndef VIGIL_SENSOR_COLLECT_DNS_H
#define VIGIL_SENSOR_COLLECT_DNS_H

#include "sensor/sensor.h"

extern const char *const collect_dns_events[];
int collect_dns_start(struct sensor_ctx *ctx, void **state, struct vg_err *err);
void collect_dns_stop(void *state);

#endif
