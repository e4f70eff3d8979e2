/* test_arrays.c: NumPy .npy/.npz and MATLAB .mat readers on the fixtures of
 * tests/fixtures/arrays (made by tests/fixtures/make_array_fixtures.py), and the
 * exact messages for damaged files.  Run from the top of the tree (make check). */
#include "mat.h"
#include "npy.h"
#include "unit.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

#define DIR "tests/fixtures/arrays/"

static const float X[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9.5f, -1, 0, 0.25f};
static const float XI[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, -1, 0, 100};
static const int Y[4] = {0, 1, 0, 1};

/* d is 4 x 3 with values want and labels Y (or all 0) */
static int same(AdvData *d, const float *want, int labels)
{
	int ok = d->n == 4 && d->info.dim == 3 && !d->info.has_shape;
	for (int i = 0; ok && i < 12; i++)
		ok = d->x[i] == want[i];
	for (int i = 0; ok && i < 4; i++)
		ok = d->label[i] == (labels ? Y[i] : 0);
	adv_data_free(d);
	return ok;
}

static int err_is(int r, const char *msg)
{
	if (r != -1)
		return 0;
	if (strcmp(ad_errmsg(), msg)) {
		fprintf(stderr, "got      \"%s\"\nexpected \"%s\"\n", ad_errmsg(), msg);
		return 0;
	}
	return 1;
}

int main(void)
{
	AdvData d;
	float u1[12];

	/* .npy: dtypes, versions, byte orders, Fortran order */
	CHECK(ad_npy_load(DIR "X_f8.npy", DIR "y_i8.npy", &d) == 0 && same(&d, X, 1));
	CHECK(ad_npy_load(DIR "X_f8.npy", NULL, &d) == 0 && same(&d, X, 0));
	CHECK(ad_npy_load(DIR "X_f4_fortran.npy", DIR "y_f8.npy", &d) == 0 && same(&d, X, 1));
	CHECK(ad_npy_load(DIR "X_i2_v2.npy", DIR "y_i8.npy", &d) == 0 && same(&d, XI, 1));
	for (int i = 0; i < 12; i++)
		u1[i] = XI[i] < 0 ? XI[i] + 256 : XI[i];
	CHECK(ad_npy_load(DIR "X_u1_v3.npy", DIR "y_i8.npy", &d) == 0 && same(&d, u1, 1));
	CHECK(ad_npy_load(DIR "X_f8_be.npy", DIR "y_i8.npy", &d) == 0 && same(&d, X, 1));
	{
		float b[12];
		for (int i = 0; i < 12; i++)
			b[i] = X[i] != 0;
		CHECK(ad_npy_load(DIR "X_b1.npy", NULL, &d) == 0 && same(&d, b, 0));
	}
	CHECK(ad_npy_load(DIR "X_img.npy", NULL, &d) == 0);
	CHECK(d.n == 2 && d.info.dim == 6 && d.info.has_shape && d.info.shape[0] == 1 &&
	      d.info.shape[1] == 2 && d.info.shape[2] == 3 && d.x[7] == 7 && d.x[11] == 11);
	adv_data_free(&d);
	CHECK(ad_npy_load(DIR "X_1d.npy", DIR "y_i8.npy", &d) == 0);
	CHECK(d.n == 4 && d.info.dim == 1 && d.x[3] == 4.5f && d.label[3] == 1);
	adv_data_free(&d);

	CHECK(err_is(ad_npy_load(DIR "bad_nan.npy", NULL, &d),
	             DIR "bad_nan.npy: X row 1, column 2: NaN"));
	CHECK(err_is(ad_npy_load(DIR "bad_magic.npy", NULL, &d),
	             DIR "bad_magic.npy: X: not a NumPy .npy array (bad magic)"));
	CHECK(err_is(ad_npy_load(DIR "bad_trunc.npy", NULL, &d),
	             DIR "bad_trunc.npy: X: truncated array data (91 bytes, 96 expected)"));
	CHECK(err_is(ad_npy_load(DIR "bad_extra.npy", NULL, &d),
	             DIR "bad_extra.npy: X: 4 bytes after the array data"));
	CHECK(err_is(ad_npy_load(DIR "bad_dtype.npy", NULL, &d),
	             DIR "bad_dtype.npy: X: unsupported dtype '<c8' (f4 f8 i1-i8 u1-u8 b1)"));
	CHECK(err_is(ad_npy_load(DIR "bad_header.npy", NULL, &d),
	             DIR "bad_header.npy: X: .npy header of 1073741824 bytes is too large (at most 65536)"));
	CHECK(err_is(ad_npy_load(DIR "bad_struct.npy", NULL, &d),
	             DIR "bad_struct.npy: X: bad .npy header: structured dtypes are not supported"));
	CHECK(err_is(ad_npy_load(DIR "X_f8.npy", DIR "y_5.npy", &d),
	             DIR "y_5.npy: 5 labels but " DIR "X_f8.npy has 4 rows"));
	CHECK(err_is(ad_npy_load(DIR "X_f8.npy", DIR "y_half.npy", &d),
	             DIR "X_f8.npy: y element 2: 0.5 is not an integer label"));
	CHECK(err_is(ad_npy_load(DIR "nope.npy", NULL, &d),
	             DIR "nope.npy: No such file or directory"));

	/* .npz: stored, deflated, NumPy's zip64 local headers, names with or without .npy */
	CHECK(ad_npz_load(DIR "stored.npz", "X", "y", &d) == 0 && same(&d, X, 1));
	CHECK(ad_npz_load(DIR "deflated.npz", "X", "y", &d) == 0 && same(&d, X, 1));
	CHECK(ad_npz_load(DIR "numpy64.npz", "X.npy", "y.npy", &d) == 0 && same(&d, X, 1));
	CHECK(ad_npz_load(DIR "numpy64.npz", "X", NULL, &d) == 0 && same(&d, X, 0));
	CHECK(ad_npz_load(DIR "names.npz", "data", "labels", &d) == 0 && same(&d, X, 1));
	CHECK(err_is(ad_npz_load(DIR "names.npz", "X", "y", &d),
	             DIR "names.npz: no array 'X' in the archive (members: data.npy, labels.npy)"));
	CHECK(err_is(ad_npz_load(DIR "bad_crc.npz", "X", "y", &d),
	             DIR "bad_crc.npz: X.npy: CRC-32 check failed"));
	CHECK(err_is(ad_npz_load(DIR "bad_zip64.npz", "X", "y", &d),
	             DIR "bad_zip64.npz: zip64 archives are not supported"));
	CHECK(err_is(ad_npz_load(DIR "bad_trunc.npz", "X", "y", &d),
	             DIR "bad_trunc.npz: not a zip archive (no end of central directory)"));
	CHECK(err_is(ad_npz_load(DIR "bad_method.npz", "X", "y", &d),
	             DIR "bad_method.npz: X.npy: zip compression method 12 is not supported (only stored and deflated)"));
	CHECK(err_is(ad_npz_load(DIR "X_f8.npy", "X", "y", &d),
	             DIR "X_f8.npy: not a zip archive (no end of central directory)"));

	/* .mat: plain and compressed elements, storage types, classes, byte order */
	CHECK(ad_mat_load(DIR "plain.mat", "X", "y", &d) == 0 && same(&d, X, 1));
	CHECK(ad_mat_load(DIR "compressed.mat", "X", "y", &d) == 0 && same(&d, X, 1));
	CHECK(ad_mat_load(DIR "compressed.mat", "X", NULL, &d) == 0 && same(&d, X, 0));
	CHECK(ad_mat_load(DIR "int_storage.mat", "X", "y", &d) == 0 && same(&d, XI, 1));
	CHECK(ad_mat_load(DIR "classes.mat", "X", "y", &d) == 0 && same(&d, XI, 1));
	CHECK(ad_mat_load(DIR "classes.mat", "A", "y", &d) == 0 && same(&d, X, 1));
	CHECK(ad_mat_load(DIR "classes.mat", "B", "y", &d) == 0 && same(&d, u1, 1));
	CHECK(ad_mat_load(DIR "bigendian.mat", "X", "y", &d) == 0 && same(&d, X, 1));
	CHECK(err_is(ad_mat_load(DIR "plain.mat", "Z", "y", &d),
	             DIR "plain.mat: no numeric variable 'Z' (variables: note, X, y)"));
	CHECK(err_is(ad_mat_load(DIR "plain.mat", "note", NULL, &d),
	             DIR "plain.mat: variable 'note' is a char array, not a numeric matrix"));
	CHECK(err_is(ad_mat_load(DIR "bad_v73.mat", "X", "y", &d),
	             DIR "bad_v73.mat: MATLAB v7.3 (HDF5) files are not supported; save with -v7"));
	CHECK(err_is(ad_mat_load(DIR "bad_trunc.mat", "X", "y", &d),
	             DIR "bad_trunc.mat: truncated: data element of 73 bytes runs past the end (top level)"));
	CHECK(err_is(ad_mat_load(DIR "bad_zlib.mat", "X", "y", &d),
	             DIR "bad_zlib.mat: miCOMPRESSED element: corrupt zlib data: distance too far back"));
	CHECK(err_is(ad_mat_load(DIR "bad_shape.mat", "X", "y", &d),
	             DIR "bad_shape.mat: variable 'X': 4 x 4 matrix but 96 bytes of double data"));
	CHECK(err_is(ad_mat_load(DIR "bad_ylen.mat", "X", "y", &d),
	             DIR "bad_ylen.mat: y has 3 elements but X has 4 rows"));
	CHECK(err_is(ad_mat_load(DIR "X_f8.npy", "X", "y", &d),
	             DIR "X_f8.npy: not a MATLAB 5 MAT-file (no endian indicator)"));
	return UNIT_DONE();
}
