#!/bin/sh
# Builds the seed corpora fuzz/corpus/<target>/ (not committed) from ../shared/corpus, when it
# is there (or $CORPUS), and from the project's fixtures, built-in profiles and keymaps. Corpus mail is
# cut into single messages of at most 64 KiB; the committed inputs of
# tests/fixtures/fuzz/<target>/ are seeds too.
set -eu
cd "$(dirname "$0")"
root=..
out=corpus
rm -rf "$out"
for t in mbox_split message mailinfo diff trailers policy keymap profile state window revisions cache listing facts archive; do
    mkdir -p "$out/$t"
    cp "$root/tests/fixtures/fuzz/$t/"* "$out/$t/" 2>/dev/null || true
done
mail_targets="message mailinfo diff trailers policy revisions"
split_mbox() { # FILE PREFIX MAX: one file per message
    perl -e '
        my ($file, $dir, $prefix, $max) = @ARGV; local $/; open my $fh, "<", $file or exit;
        my $n = 0;
        for my $m (split /^(?=From \S)/m, <$fh>) {
            last if $n >= $max; next if length($m) > 65536;
            open my $o, ">", sprintf("%s/%s-%04d", $dir, $prefix, $n++) or die; print $o $m;
        }' "$1" "$out/message" "$2" "$3"
}
mboxes=$(find "$root/tests/fixtures" -name '*.mbox' -o -name '*.eml' -o -name '*.patch')
corpus=${CORPUS:-$root/../shared/corpus}
if [ -d "$corpus" ]; then
    mboxes="$mboxes $(find "$corpus" -maxdepth 1 -name '*.mbox')"
else
    echo "seeds: $corpus is absent; fixtures only (set CORPUS to its path)" >&2
fi
i=0
for f in $mboxes; do
    i=$((i + 1))
    split_mbox "$f" "m$i" 150
    head -c 65536 "$f" > "$out/mbox_split/file-$i"
done
for t in $mail_targets; do
    [ "$t" = message ] || cp "$out/message/"* "$out/$t/"
done
cp "$root"/policies/*.toml "$root"/tests/fixtures/policy/*.toml "$out/profile/"
cp "$root"/keymaps/*.toml "$out/keymap/"
printf 'preset = "vim"\n[keys]\n"C-x" = "quit"\n' > "$out/keymap/user"
printf '{"schema_version":1}' > "$out/state/empty"
for t in $(ls "$out"); do echo "$t: $(ls "$out/$t" | wc -l) seeds"; done
