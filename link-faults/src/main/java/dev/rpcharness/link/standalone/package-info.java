/**
 * The stand-alone provider with links ({@code --links}): {@link dev.rpcharness.link.standalone.LinkedProviderMain}
 * starts fake-provider's stand-alone provider with {@link dev.rpcharness.link.standalone.ProviderLinks}, which puts
 * its ZooKeeper connection and its serving port behind links and adds the admin's link steps (docs/link-faults.md,
 * "Link steps on the stand-alone admin").
 */
package dev.rpcharness.link.standalone;
