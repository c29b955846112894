import { assertEquals } from "../../tests/assert.ts";
import { addressBucket } from "./address_bucket.ts";

Deno.test("addressBucket keeps IPv4 addresses and buckets IPv6 by /64", () => {
  assertEquals(addressBucket("203.0.113.7"), "203.0.113.7");
  assertEquals(addressBucket("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  assertEquals(addressBucket("2001:0db8:0001:0002:ffff:1:2:3"), "2001:db8:1:2::/64");
  assertEquals(addressBucket("2001:DB8:1:2:aaaa::9"), "2001:db8:1:2::/64");
  assertEquals(addressBucket("2001:db8:1:3::1") === addressBucket("2001:db8:1:2::1"), false);
  assertEquals(addressBucket("::1"), "0:0:0:0::/64");
  assertEquals(addressBucket("fe80::1%eth0"), "fe80:0:0:0::/64");
  assertEquals(addressBucket("not-an-ip"), "not-an-ip");
});
