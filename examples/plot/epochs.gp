# Test AUROC against epoch, one line per loss; list is a file of "datafile<TAB>title<TAB>colour" lines,
# each datafile "epoch auroc runs".
set terminal @term
set output out
set title title
set xlabel "epoch"
set ylabel "test AUROC (ad-train --eval)"
set grid
set key outside right top
n = int(system("wc -l < '".list."'"))
f(i) = system("sed -n ".i."p '".list."' | cut -f1")
t(i) = system("sed -n ".i."p '".list."' | cut -f2")
c(i) = system("sed -n ".i."p '".list."' | cut -f3")
plot for [i=1:n] f(i) using 1:2 with lines lw 2 lc rgb c(i) title t(i)
