$( A toy database for bmc's tests of the universal encoding (test/metamath-universal.test.ts):
   th's own substitution must be the identity. $)
$c |- wff ( ) -> $.
$v ph ps $.
wph $f wff ph $.
wps $f wff ps $.
wi $a wff ( ph -> ps ) $.
ax-id $a |- ( ph -> ph ) $.
th $p |- ( ps -> ps ) $= wps ax-id $.
