# shellcheck shell=bash
# The git stand-in for alpine/git:2.45.2, sourced by tools/images/build.sh: a Debian root
# filesystem (debian.sh) with Debian's git, ssh client and CA certificates; the shell and tools
# the git-clone Task's script runs (sh, find, tr, printf, rm, mkdir) are Debian's essential ones.
# Entrypoint git, working directory /git, as alpine/git.

build_git() {
  debian_image git git_customize "$(cat "$IMAGES_DIR/git.sh")"
}

# git_customize NAME ROOTFS — alpine/git's working directory; checks the tools the Task uses.
git_customize() {
  local name="$1" rootfs="$2" tool
  for tool in git sh find tr printf rm mkdir; do
    [[ -x "$rootfs/usr/bin/$tool" ]] || die "$name: /usr/bin/$tool is missing"
  done
  install -d -m 0755 "$rootfs/git"
  IMAGE_CREATED_BY+=", working directory /git"
}
