<?php
/**
 * Installs a fresh WordPress site for the connector's tests (run by wordpress-peer.ts with `php setup-site.php
 * <site folder> <site url>`): wp_install, plain permalinks, an Author and an Editor each with an application
 * password, a "News" category. Prints one JSON line with the accounts.
 */
// Read before wp-load.php: WordPress sets globals while it loads.
[, $site, $url] = $argv;
$parts = parse_url($url);
$_SERVER['HTTP_HOST'] = $parts['host'] . ':' . $parts['port'];
$_SERVER['SERVER_NAME'] = $parts['host'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
define('WP_INSTALLING', true);
require $site . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/user.php';

$installed = wp_install('Metronome test site', 'admin', 'admin@example.test', false, '', wp_generate_password(24));
update_option('siteurl', $url);
update_option('home', $url);
update_option('permalink_structure', '');
update_option('default_comment_status', 'open');
update_option('comment_moderation', '0');
update_option('comment_previously_approved', '0');
update_option('require_name_email', '0');
update_option('timezone_string', 'UTC');

$accounts = [];
foreach (['author' => 'ana', 'editor' => 'ed', 'subscriber' => 'sub'] as $role => $login) {
    $id = wp_insert_user([
        'user_login' => $login,
        'user_pass' => wp_generate_password(24),
        'user_email' => $login . '@example.test',
        'display_name' => ucfirst($login),
        'role' => $role,
    ]);
    if (is_wp_error($id)) {
        fwrite(STDERR, $id->get_error_message());
        exit(1);
    }
    $created = WP_Application_Passwords::create_new_application_password($id, ['name' => 'metronome-test']);
    if (is_wp_error($created)) {
        fwrite(STDERR, $created->get_error_message());
        exit(1);
    }
    $accounts[$role] = ['id' => $id, 'username' => $login, 'applicationPassword' => $created[0]];
}
$news = wp_insert_term('News', 'category');
echo json_encode([
    'adminId' => $installed['user_id'],
    'accounts' => $accounts,
    'categories' => ['News' => $news['term_id'], 'Uncategorized' => 1],
]), "\n";
